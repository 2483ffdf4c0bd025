/**
 * The test selector built on the project's test history alone: `all` runs every file in path
 * order, `prioritize` runs every file, the one holding the tests most likely to fail first. It
 * knows nothing of the change, so `select` runs everything too (prioritised) and says why: a
 * change-based selector takes its place when the server has one.
 */
import type { Store } from "../store/index.js";
import { compareIds } from "./flakiness.js";
import { testFailureModel, type TestFailureState } from "./failure-model.js";
import { prioritizeLearned } from "./learned-prioritize.js";
import { prioritize, type RankedTest } from "./prioritize.js";
import type { SelectionDecision, SelectionRequest, TestSelection, TestSelector } from "./selection.js";
import { historyFromRows } from "./stored-history.js";

/** Runs of the project's history the order is learnt from. */
export const SELECTOR_HISTORY_RUNS = 300;

/** A {@link TestSelector} answering `all` and `prioritize` from the stored test history. */
export function createHistorySelector(store: Store): TestSelector {
  return {
    async select(request: SelectionRequest): Promise<TestSelection> {
      const files = [...new Set(request.testFiles)].sort(compareIds);
      if (request.mode === "all") {
        const decisions = files.map((file) => decision(file, "all", "select: all runs every test file in path order"));
        return { run: files, decisions };
      }
      const project = await store.projects.resolve(request.project);
      const rows = await store.reports.projectHistory(project.id, { runs: SELECTOR_HISTORY_RUNS });
      const model = historyFromRows(rows);
      const testsOf = new Map<string, Set<string>>();
      for (const r of rows) {
        if (r.file === null) continue;
        const ids = testsOf.get(r.file) ?? new Set<string>();
        testsOf.set(r.file, ids.add(r.testId));
      }
      const live = await store.modelVersions.live(testFailureModel.name, `project:${project.id}`);
      // A file never seen stands for a new test: the model's estimate for an id it does not know.
      const newTest = (file: string) => `${file}.(new test file)`;
      const ids = files.flatMap((f) => [...(testsOf.get(f) ?? [newTest(f)])]);
      const ranked = live
        ? prioritizeLearned(live.state as TestFailureState, live.version, model, ids)
        : prioritize(model, ids);
      const byId = new Map(ranked.map((r) => [r.id, r]));
      const scored = files.map((file) =>
        fileScore(
          file,
          [...(testsOf.get(file) ?? [newTest(file)])].map((id) => byId.get(id)!),
        ),
      );
      scored.sort((a, b) => b.probability - a.probability || a.durationMs - b.durationMs || compareIds(a.file, b.file));
      const decisions = scored.map((s) => ({
        ...decision(s.file, "prioritized", s.detail),
        probability: s.probability,
      }));
      return {
        run: scored.map((s) => s.file),
        decisions,
        ...(request.mode === "select" && {
          fullRunReason:
            "change-based selection is not available on this server: every test file runs, most likely failures first",
        }),
      };
    },
  };
}

/** A file's chance of failing (its likeliest test's), its expected duration, and why. */
function fileScore(file: string, tests: RankedTest[]) {
  const top = tests.reduce((a, b) => (b.probability > a.probability ? b : a));
  const durationMs = tests.reduce((sum, t) => sum + t.durationMs, 0);
  const detail = `p(fail) ${top.probability.toFixed(3)} from ${top.id}: ${top.reason}`;
  return { file, probability: top.probability, durationMs, detail };
}

function decision(file: string, reason: string, detail: string): SelectionDecision {
  return { file, selected: true, reason, detail };
}
