import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { SelectionMode } from "../../testintel/index.js";
import type { Project, Run } from "../../store/index.js";
import { checkout, ensureMirror, resolveRef } from "../checkout.js";
import type { TestAdvice } from "../tests/test-advice.js";
import { mirrorDir } from "./mirrors.js";
import type { RunnerDeps } from "./runner-deps.js";
import { historyAdvisor, testBaseCommit } from "./test-advisor.js";

/** A test step of a job run elsewhere (on an agent) that asks this server for its advice. */
export interface RemoteTestStep {
  step: number;
  mode: SelectionMode;
  /** The step's test files as matched where it runs (workspace-relative; checked by the selector). */
  testFiles: string[];
}

/**
 * The same advice a server worker's test step gets (test-advisor.ts), for a job whose workspace
 * is not on this server: the selector reads a checkout of the run's commit made here from the
 * project's mirror (fetched first when this server has not seen the commit), and git runs in the
 * mirror. Under `select: all` nothing is read, so nothing is checked out. The checkout is removed
 * before this returns.
 */
export async function adviseAtCommit(
  deps: RunnerDeps,
  project: Project,
  run: Run,
  jobKey: string,
  req: RemoteTestStep,
): Promise<TestAdvice> {
  const mirror = mirrorDir(deps.dataDir, project.id);
  const parent = join(deps.dataDir, "test-advice");
  await mkdir(parent, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(parent, `${run.id}-`));
  try {
    const repoDir = join(dir, "repo");
    if (req.mode !== "all") {
      const known = await resolveRef(mirror, run.commit).then(
        () => true,
        () => false,
      );
      if (!known) await ensureMirror(project.repoUrl, mirror);
      await checkout({ mirrorDir: mirror, commit: run.commit, dest: repoDir });
    }
    const advise = historyAdvisor(deps.store, deps.tests.selector, project, run, jobKey, {
      mirror,
      base: () => testBaseCommit(deps.store, mirror, run),
    });
    return await advise({ step: req.step, mode: req.mode, testFiles: req.testFiles, repoDir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
