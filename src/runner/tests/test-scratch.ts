/**
 * The files a test step shares with its job in the job's TMPDIR: the ordered list of test files
 * (written by pitcrew), and the reports and coverage the framework writes back. The job owns
 * TMPDIR, so anything there may have been replaced by a symlink, a FIFO or a huge file: the
 * folder is created fresh (mkdtemp) under a TMPDIR that is a real directory, the list is created
 * with O_EXCL|O_NOFOLLOW, ownership is handed over with lchown, and a report is only read when
 * it opens without following a symlink and is a regular file within the size limit.
 */
import { constants } from "node:fs";
import { lchown, lstat, mkdtemp, open } from "node:fs/promises";
import { join } from "node:path";
import { ValidationError } from "../../common/errors.js";

/** A test step's scratch folder in the job's TMPDIR and the list of test files in it. */
export interface TestScratch {
  dir: string;
  listFile: string;
  /** Device and inode of `dir` as created, to notice a step replacing it (see {@link readJobReport}). */
  id: { dev: number; ino: number };
}

/**
 * Creates a fresh scratch folder for step `stepIdx` under `tmp`, writes `files` (one per line)
 * into its list, and hands both to the owner of `tmp` (the user the steps run as). Throws a
 * ValidationError when `tmp` is not a real directory (a step replaced it, e.g. by a symlink).
 */
export async function createTestScratch(tmp: string, stepIdx: number, files: readonly string[]): Promise<TestScratch> {
  const owner = await lstat(tmp);
  if (!owner.isDirectory()) throw new ValidationError("the job's TMPDIR is no longer a directory (a step replaced it)");
  const dir = await mkdtemp(join(tmp, `pitcrew-tests-${stepIdx}-`));
  const listFile = join(dir, "files.txt");
  await createExclusive(listFile, files.map((f) => `${f}\n`).join(""));
  // The sandbox may run steps as another user, who owns the workspace (executor.prepare): the
  // framework writes its reports and coverage here, so hand these over to the same owner.
  for (const path of [listFile, dir]) await lchown(path, owner.uid, owner.gid);
  const { dev, ino } = await lstat(dir);
  return { dir, listFile, id: { dev, ino } };
}

/**
 * Writes a new file `name` with `text` into the scratch folder for the step's processes to read
 * (created with O_EXCL|O_NOFOLLOW, owned like the folder); returns its path. Throws when the
 * folder is no longer the one pitcrew created or the name is taken.
 */
export async function addScratchFile(scratch: TestScratch, name: string, text: string): Promise<string> {
  const dir = await lstat(scratch.dir);
  if (!dir.isDirectory() || dir.dev !== scratch.id.dev || dir.ino !== scratch.id.ino)
    throw new ValidationError("the test step's scratch folder was replaced by the job");
  const path = join(scratch.dir, name);
  await createExclusive(path, text);
  await lchown(path, dir.uid, dir.gid);
  return path;
}

async function createExclusive(path: string, text: string): Promise<void> {
  const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    await fh.writeFile(text);
  } finally {
    await fh.close();
  }
}

/**
 * The content of the report `name` in `scratch`, written by a job: read only while the folder is
 * still the one pitcrew created, opened without following a symlink and without blocking on a
 * FIFO, and only if it is a regular file with one link of at most `maxBytes`. Throws an Error
 * saying what is wrong (code ENOENT when there is no report).
 */
export async function readJobReport(scratch: TestScratch, name: string, maxBytes: number): Promise<Buffer> {
  const dir = await lstat(scratch.dir);
  if (!dir.isDirectory() || dir.dev !== scratch.id.dev || dir.ino !== scratch.id.ino)
    throw new Error("its scratch folder was replaced by the job, report not read");
  const path = join(scratch.dir, name);
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === "ELOOP") throw new Error("its report is a symbolic link, not read");
      throw err;
    },
  );
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error("its report is not a regular file, not read");
    if (st.nlink !== 1) throw new Error("its report is a hard link to another file, not read");
    if (st.size > maxBytes) throw new Error(`its report is ${st.size} bytes, over ${maxBytes}`);
    const data = Buffer.alloc(st.size);
    let done = 0;
    while (done < st.size) {
      const { bytesRead } = await fh.read(data, done, st.size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return data.subarray(0, done);
  } finally {
    await fh.close();
  }
}
