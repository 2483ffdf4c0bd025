import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { PitcrewError } from "../../common/errors.js";
import type { Project, Run } from "../../store/index.js";
import { createHistorySelector, type SelectionMode } from "../../testintel/index.js";
import { checkout, ensureMirror, resolveRef } from "../checkout.js";
import { MAX_CONCURRENT_CHECKOUTS, waitCheckoutSlot } from "../checkout-slots.js";
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

/** How long an advice may wait for a checkout slot, and how long it may take in all. */
export interface AdviceLimits {
  slotWaitMs: number;
  deadlineMs: number;
}

/** The limits of an agent job's advice: a short wait in line, and a deadline well inside an agent's patience. */
export const ADVICE_LIMITS: AdviceLimits = { slotWaitMs: 10_000, deadlineMs: 60_000 };

/** Where the advice's temporary checkouts are made: `<data_dir>/test-advice/`. */
export function adviceCheckoutsDir(dataDir: string): string {
  return join(dataDir, "test-advice");
}

/**
 * Removes the temporary checkouts a previous process left when it was killed before it could
 * (kill -9, a crash): run when the server starts, before it gives any advice. Nothing in the
 * folder outlives the process that made it.
 */
export async function removeLeftoverAdviceCheckouts(dataDir: string): Promise<void> {
  await rm(adviceCheckoutsDir(dataDir), { recursive: true, force: true });
}

/** An advice, and why it is the history-only fallback when it is. */
export interface RemoteAdvice {
  advice: TestAdvice;
  fallback?: string;
}

/**
 * The same advice a server worker's test step gets (test-advisor.ts), for a job whose workspace
 * is not on this server: the selector reads a checkout of the run's commit made here, in the data
 * dir (never a job's path), from the project's mirror (fetched first when this server has not seen
 * the commit), and git runs in the mirror. Under `select: all` nothing is read, so nothing is
 * checked out.
 *
 * The checkout takes one of the process's checkout slots (checkout-slots.ts, shared with the
 * selection API), waiting at most `limits.slotWaitMs`; the whole advice has `limits.deadlineMs`:
 * every git call of the checkout and of the selection after it (the diff, the file list, the
 * coverage maps' ages, co-failure's log) gets the time left and is killed at the deadline, and the
 * selector stops between its steps once it passed. When no slot is free in time, the deadline passes,
 * or the checkout or the change-based selection fails, the advice falls back to the test history
 * alone (every file runs, most likely failures first; the flaky tests as usual) and `fallback` says
 * why, so a job never fails because its advice did. An error that is the asker's fault (a 4xx:
 * test files the selector refuses) is thrown. The checkout is removed when its work ends, on error
 * and past the deadline too, and only then is its slot given back: at the deadline, or as soon as
 * a store read under way then returns (store reads are not interrupted).
 */
export async function adviseAtCommit(
  deps: RunnerDeps,
  project: Project,
  run: Run,
  jobKey: string,
  req: RemoteTestStep,
  limits: AdviceLimits = ADVICE_LIMITS,
): Promise<RemoteAdvice> {
  const deadline = Date.now() + limits.deadlineMs;
  const mirror = mirrorDir(deps.dataDir, project.id);
  if (req.mode === "all") {
    const advise = historyAdvisor(deps.store, deps.tests.selector, project, run, jobKey, {
      mirror,
      base: async () => undefined,
    });
    return { advice: await advise({ ...req, repoDir: adviceCheckoutsDir(deps.dataDir) }) };
  }
  const fallBack = async (why: string): Promise<RemoteAdvice> => {
    const advise = historyAdvisor(deps.store, createHistorySelector(deps.store), project, run, jobKey, {
      mirror,
      base: async () => undefined,
    });
    const advice = await advise({ ...req, mode: "prioritize", repoDir: adviceCheckoutsDir(deps.dataDir) });
    const summary = `select: ${req.mode} fell back to the test history alone (${why}): every test file runs, most likely failures first`;
    return { advice: { ...advice, summary }, fallback: why };
  };
  const release = await waitCheckoutSlot(Math.min(limits.slotWaitMs, limits.deadlineMs));
  if (!release)
    return fallBack(
      `all ${MAX_CONCURRENT_CHECKOUTS} checkouts for test selection were in use for ${limits.slotWaitMs} ms`,
    );
  const work = checkedOutAdvice(deps, project, run, jobKey, req, deadline).finally(release);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), Math.max(0, deadline - Date.now()));
  });
  try {
    const advice = await Promise.race([work, late]);
    if (advice === "late") {
      // it ends now (its git calls are killed at the deadline, the selector stops), removes the
      // checkout and gives the slot back on its own
      work.catch(() => undefined);
      return fallBack(`the checkout and selection took over ${limits.deadlineMs} ms`);
    }
    return { advice };
  } catch (err) {
    if (err instanceof PitcrewError && err.status >= 400 && err.status < 500) throw err;
    const why = (err instanceof Error ? err.message : String(err)).split("\n")[0]!.slice(0, 300);
    return fallBack(`the checkout or selection failed: ${why}`);
  } finally {
    clearTimeout(timer);
  }
}

/** The advice from a checkout made for it, removed again before this settles; every git call (checkout and selection) ends by `deadline`. */
async function checkedOutAdvice(
  deps: RunnerDeps,
  project: Project,
  run: Run,
  jobKey: string,
  req: RemoteTestStep,
  deadline: number,
): Promise<TestAdvice> {
  const left = () => {
    const ms = deadline - Date.now();
    if (ms <= 0) throw new Error("the advice's deadline passed");
    return { timeoutMs: ms };
  };
  const mirror = mirrorDir(deps.dataDir, project.id);
  const parent = adviceCheckoutsDir(deps.dataDir);
  await mkdir(parent, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(parent, `${run.id}-`));
  try {
    const repoDir = join(dir, "repo");
    const known = await resolveRef(mirror, run.commit, left()).then(
      () => true,
      () => false,
    );
    if (!known) await ensureMirror(project.repoUrl, mirror, left());
    await checkout({ mirrorDir: mirror, commit: run.commit, dest: repoDir }, left());
    const advise = historyAdvisor(deps.store, deps.tests.selector, project, run, jobKey, {
      mirror,
      base: () => testBaseCommit(deps.store, mirror, run, left()),
      deadline,
    });
    left();
    return await advise({ step: req.step, mode: req.mode, testFiles: req.testFiles, repoDir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
