import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Run } from "../store/index.js";
import { ensureMirror, git, mirrorDir, resolveRef, type RunnerDeps } from "../runner/index.js";

/** Source archives kept for agents (the oldest go first). */
const KEEP_ARCHIVES = 64;

/**
 * The path of a tar archive of `run`'s commit, made with `git archive` from the project's mirror
 * (fetched first when this server has not seen the commit) and kept under the data dir, so the
 * agents running a run's jobs share one archive. Agents never need to reach the repository.
 */
export async function jobSourceArchive(deps: RunnerDeps, run: Run, repoUrl: string): Promise<string> {
  const dir = join(deps.dataDir, "agent-sources");
  const file = join(dir, `${run.projectId}-${run.commit}.tar`);
  if (
    await stat(file).then(
      () => true,
      () => false,
    )
  )
    return file;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const mirror = mirrorDir(deps.dataDir, run.projectId);
  const known = await resolveRef(mirror, run.commit).then(
    () => true,
    () => false,
  );
  if (!known) await ensureMirror(repoUrl, mirror);
  const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  await git(["archive", "--format=tar", "-o", tmp, run.commit], { cwd: mirror });
  await rename(tmp, file);
  await pruneArchives(dir);
  return file;
}

async function pruneArchives(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".tar"));
  if (names.length <= KEEP_ARCHIVES) return;
  const aged = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(dir, n))).mtimeMs })));
  aged.sort((a, b) => a.t - b.t);
  for (const { n } of aged.slice(0, aged.length - KEEP_ARCHIVES)) await rm(join(dir, n), { force: true });
}
