/**
 * The files a test step shares with its job in the job's TMPDIR: the ordered list of test files
 * (written by pitcrew), and the reports and coverage the framework writes back. The job owns
 * TMPDIR, so anything there may have been replaced by a symlink, a FIFO or a huge file: the
 * folder is created fresh (mkdtemp) under a TMPDIR that is a real directory, the list (and any
 * preload) is created with O_EXCL|O_NOFOLLOW before ownership is handed over with lchown, and a
 * report is only read when it opens without following a symlink and is a regular file within the
 * size limit.
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

/** A file pitcrew writes into the scratch folder for the step's processes to read (e.g. a preload). */
export interface ScratchFile {
  name: string;
  text: string;
}

/**
 * Creates a fresh scratch folder for step `stepIdx` under `tmp`, writes `files` (one per line)
 * into its list and each of `extra` (created with O_EXCL|O_NOFOLLOW), and only then hands the
 * folder and its files to the owner of `tmp` (the user the steps run as): nothing is written into
 * the folder once the job may change it. Throws a ValidationError when `tmp` is not a real
 * directory (a step replaced it, e.g. by a symlink).
 */
export async function createTestScratch(
  tmp: string,
  stepIdx: number,
  files: readonly string[],
  extra: readonly ScratchFile[] = [],
): Promise<TestScratch> {
  for (const f of extra) {
    if (f.name === "files.txt" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(f.name))
      throw new ValidationError(`'${f.name.slice(0, 80)}' cannot be a scratch file's name`);
  }
  const owner = await lstat(tmp);
  if (!owner.isDirectory()) throw new ValidationError("the job's TMPDIR is no longer a directory (a step replaced it)");
  const dir = await mkdtemp(join(tmp, `pitcrew-tests-${stepIdx}-`));
  const listFile = join(dir, "files.txt");
  const written = [listFile];
  await createExclusive(listFile, files.map((f) => `${f}\n`).join(""));
  for (const f of extra) {
    written.push(join(dir, f.name));
    await createExclusive(written.at(-1)!, f.text);
  }
  // The sandbox may run steps as another user, who owns the workspace (executor.prepare): the
  // framework writes its reports and coverage here, so hand these over to the same owner, the
  // folder last.
  for (const path of [...written, dir]) await lchown(path, owner.uid, owner.gid);
  const { dev, ino } = await lstat(dir);
  return { dir, listFile, id: { dev, ino } };
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
  if (!(await scratchIntact(scratch))) throw new Error("its scratch folder was replaced by the job, report not read");
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

/** Whether `scratch.dir` is still the folder pitcrew created (not replaced by the job, e.g. by a symlink). */
export async function scratchIntact(scratch: TestScratch): Promise<boolean> {
  const dir = await lstat(scratch.dir).catch(() => undefined);
  return dir?.isDirectory() === true && dir.dev === scratch.id.dev && dir.ino === scratch.id.ino;
}
