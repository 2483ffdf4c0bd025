import { type FileHandle, mkdir, open, readdir, rename, rm, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Run } from "../store/index.js";
import { ensureMirror, git, mirrorDir, resolveRef, type RunnerDeps } from "../runner/index.js";

/** Source archives kept for agents (the oldest go first). */
const KEEP_ARCHIVES = 64;

/**
 * A tar archive of `run`'s commit, opened: made with `git archive` from the project's mirror
 * (fetched first when this server has not seen the commit) and kept under the data dir, so the
 * agents running a run's jobs share one archive. Agents never need to reach the repository. The
 * archive is returned open, so pruning (the oldest go past KEEP_ARCHIVES; a use makes one young
 * again) cannot remove it between here and the read; a failed `git archive` leaves no file.
 */
export async function openJobSourceArchive(deps: RunnerDeps, run: Run, repoUrl: string): Promise<FileHandle> {
  const dir = join(deps.dataDir, "agent-sources");
  const file = join(dir, `${run.projectId}-${run.commit}.tar`);
  for (let attempt = 0; ; attempt++) {
    const kept = await open(file).catch(() => undefined);
    if (kept) {
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined); // pruned meanwhile: the open handle still reads it
      return kept;
    }
    if (attempt > 0) throw new Error(`source archive ${file} vanished as it was made`);
    await makeArchive(deps, run, repoUrl, dir, file);
  }
}

async function makeArchive(deps: RunnerDeps, run: Run, repoUrl: string, dir: string, file: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const mirror = mirrorDir(deps.dataDir, run.projectId);
  const known = await resolveRef(mirror, run.commit).then(
    () => true,
    () => false,
  );
  if (!known) await ensureMirror(repoUrl, mirror);
  const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await git(["archive", "--format=tar", "-o", tmp, run.commit], { cwd: mirror });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await pruneArchives(dir);
}

/** A `.tmp` archive older than this was left by a process killed while writing it. */
const STALE_TMP_MS = 10 * 60_000;

async function pruneArchives(dir: string): Promise<void> {
  const all = await readdir(dir);
  for (const n of all.filter((n) => n.endsWith(".tmp"))) {
    const age =
      Date.now() -
      (await stat(join(dir, n)).then(
        (s) => s.mtimeMs,
        () => Date.now(),
      ));
    if (age > STALE_TMP_MS) await rm(join(dir, n), { force: true });
  }
  const names = all.filter((n) => n.endsWith(".tar"));
  if (names.length <= KEEP_ARCHIVES) return;
  const aged = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(dir, n))).mtimeMs })));
  aged.sort((a, b) => a.t - b.t);
  for (const { n } of aged.slice(0, aged.length - KEEP_ARCHIVES)) await rm(join(dir, n), { force: true });
}
