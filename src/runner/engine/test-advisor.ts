import type { Project, Run, RunTrust, Store } from "../../store/index.js";
import {
  CO_FAILURE_TRUSTS,
  expectedFileMs,
  flakyTests,
  historyFromRows,
  projectFlakyTests,
  SELECTOR_HISTORY_RUNS,
  type TestSelector,
} from "../../testintel/index.js";
import { type GitDeadline, resolveRef } from "../checkout.js";
import type { TestAdvisor } from "../tests/test-advice.js";
import { isPushedRun } from "../trust.js";

/**
 * The server's advice for a run's test steps: the selector's order and selection, and the
 * project's flaky tests (the live test-flakiness model's, else learnt from its stored history),
 * plus the tests that already passed on this commit in the same job (`jobKey`, a matrix leg
 * included: a failure of one of them now is a failure and a pass on one commit: flaky).
 *
 * Flakiness excuses failures (reruns, quarantine), so a pushed run (see isPushedRun) takes its
 * evidence from pushed runs only, and a protected branch's run from protected runs only: the flaky
 * tests are then learnt from that stored history alone (the live model learns from pull requests
 * too), and a pass of another kind of run on this commit does not count.
 *
 * The files the selection judged outside the change (their known, current dependencies hold none of
 * its files) come with it: a failure there is suspect (DeFlaker) and may be rerun. The change is the
 * mirror's diff from the run's base and the maps come from trusted runs only, so what a run's own
 * content says cannot place a test outside it.
 *
 * `change.deadline` (epoch ms) is passed on to the selector: its git calls end by then.
 */
export function historyAdvisor(
  store: Store,
  selector: TestSelector,
  project: Project,
  run: Run,
  jobKey: string,
  change: { mirror: string; base: () => Promise<string | undefined>; deadline?: number },
): TestAdvisor {
  return async ({ mode, testFiles, repoDir }) => {
    const baseCommit = mode === "all" ? undefined : await change.base();
    const selection = await selector.select({
      project: project.name,
      repoDir,
      gitDir: change.mirror,
      commit: run.commit,
      ...(baseCommit !== undefined && { baseCommit }),
      testFiles,
      mode,
      ...(change.deadline !== undefined && { deadline: change.deadline }),
    });
    const window = { runs: SELECTOR_HISTORY_RUNS };
    const pushed = isPushedRun(run.trust);
    // a protected branch's run trusts only protected runs: anyone who may push a branch could make a test look flaky
    const counts = (t: RunTrust) => (run.trust === "protected" ? t === "protected" : !pushed || isPushedRun(t));
    const rows = (await store.reports.projectHistory(project.id, window)).filter((r) => counts(r.runTrust));
    const known = pushed
      ? flakyTests(historyFromRows(rows))
      : (await projectFlakyTests(store, project.id, window, rows)).tests;
    const flaky = new Map<string, { flaky: boolean; evidence: string }>();
    for (const t of known) {
      const evidence =
        t.reason ??
        `flakiness ${t.score.toFixed(2)}: ${t.mixedRuns} fail-and-pass run(s), ${t.blips} blip(s) in ${t.runs} runs${t.evidence.length ? `; latest: ${t.evidence.at(-1)}` : ""}`;
      flaky.set(t.id, { flaky: t.flaky, evidence });
    }
    for (const r of rows) {
      if (r.commitSha !== run.commit || r.jobKey !== jobKey || r.status !== "passed") continue;
      flaky.set(r.testId, { flaky: true, evidence: `passed on this commit in run ${r.runId} (attempt ${r.attempt})` });
    }
    // durations from trusted runs only: a pull request's report could claim any time (co-failure's rule)
    const measured = expectedFileMs(rows.filter((r) => CO_FAILURE_TRUSTS.includes(r.runTrust)));
    const expectedMs = new Map<string, number>();
    for (const f of testFiles) {
      const ms = measured.get(f);
      if (ms !== undefined) expectedMs.set(f, ms);
    }
    // under prioritize an unaffected file is not selected yet still runs (last): it is not skipped
    const running = new Set(selection.run);
    const skipped = selection.decisions
      .filter((d) => !d.selected && !running.has(d.file))
      .map((d) => ({ file: d.file, detail: d.detail }));
    const outsideChange = new Map<string, string>();
    for (const d of selection.decisions) if (d.outsideChange !== undefined) outsideChange.set(d.file, d.outsideChange);
    const how =
      mode === "all" ? "path order" : mode === "prioritize" ? "most likely failures first" : "change-based selection";
    return {
      run: selection.run,
      skipped,
      summary: `select: ${mode} (${how})${selection.fullRunReason ? `; full run: ${selection.fullRunReason}` : ""}`,
      flaky,
      outsideChange,
      expectedMs,
    };
  };
}

/**
 * What a test selection diffs the run's commit against: a pull request's base branch head in the
 * mirror, else the commit of the branch's last successful push run — never a pull request's run,
 * whose branch name a fork chooses (undefined: everything runs). `limit` bounds the git call.
 */
export async function testBaseCommit(
  store: Store,
  mirror: string,
  run: Run,
  limit: GitDeadline = {},
): Promise<string | undefined> {
  if (run.baseBranch !== null) return resolveRef(mirror, run.baseBranch, limit).catch(() => undefined);
  return (await store.runs.lastSuccessful(run.projectId, run.branch, run.id, { pushesOnly: true }))?.commit;
}
