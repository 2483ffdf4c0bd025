/**
 * Co-failure as a learned model (`test-cofailure`, one scope per project): its state is the
 * project's {@link CoFailureSettings} — how many of the newest commits are counted, how strongly
 * a rarely changed file is shrunk towards the test's own failure rate, the probability and the
 * number of co-failures from which a changed file selects a test file — chosen by replaying the
 * project's stored commits. The association table itself is always counted per selection from the
 * latest stored history (history-signals.ts), so a version changes only how it is counted and
 * when it selects. Its shipped default is the rule selection always used
 * ({@link SHIPPED_CO_FAILURE}); a trained version goes live only when it scores better on the
 * commits after its training window, beyond the noise.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { ValidationError } from "../../common/errors.js";
import type { Evaluation, Explanation, LearnedModel } from "../../learning/index.js";
import type { Store, TestHistoryRow } from "../../store/index.js";
import { MAX_DATASET_RUNS } from "../stored-history.js";
import {
  type CoFailureHit,
  coFailureProbability,
  CO_FAILURE_TRUSTS,
  countCommit,
  emptyCoFailure,
  explainCoFailure,
  strongestCoFailure,
} from "./co-failure.js";
import { type CoFailureSettings, SHIPPED_CO_FAILURE, TEST_COFAILURE } from "./co-failure-settings.js";
import { type CoFailureItem, CoFailureReplay } from "./co-failure-replay.js";
import { RECENT_COMMITS } from "./history-signals.js";

/** Share of the training commits that only fill the counts before settings are scored. */
const WARM_UP_SHARE = 0.2;
/** Commits replayed between two yields to the event loop while training. */
const COMMITS_PER_SLICE = 16;

/** Values training tries besides the shipped one. */
const WINDOWS = [100, 50, 25];
const PRIORS = [1, 5];
const THRESHOLDS = [0.1, 0.25, 0.4];
const SUPPORTS = [2, 3];

/** One judgement: would co-failure select `testFile` for a change of `changed`, given the commits of `history`? */
export interface CoFailureInput {
  history: readonly CoFailureItem[];
  changed: readonly string[];
  testFile: string;
}

/** A judgement: the strongest selecting co-failure, if any, and the commits counted. */
export interface CoFailurePrediction {
  selected: boolean;
  hit?: CoFailureHit;
  commits: number;
}

/** The scope of a project's co-failure model. */
export function coFailureScope(projectId: number): string {
  return `project:${projectId}`;
}

/**
 * A project's stored outcomes (of {@link CO_FAILURE_TRUSTS} runs: `dataset` reads no others) as commits, oldest first: per commit sha the test files that failed
 * (a test's reported file, else its class: the part of its id before the last dot), how many ran,
 * and the changed files its first run recorded. Commits whose runs recorded no changed files (a
 * manual run, a branch's first push) say nothing about co-failure and are left out.
 */
export function coFailureItems(rows: readonly TestHistoryRow[], changedOf: ReadonlyMap<number, string[]>) {
  const byCommit = new Map<string, { at: number; runs: number[]; failed: Set<string>; tests: Set<string> }>();
  for (const r of rows) {
    if (r.commitSha === "") continue;
    let c = byCommit.get(r.commitSha);
    if (c === undefined) {
      c = { at: r.createdAt, runs: [], failed: new Set(), tests: new Set() };
      byCommit.set(r.commitSha, c);
    }
    if (!c.runs.includes(r.runId)) c.runs.push(r.runId);
    c.at = Math.min(c.at, r.createdAt);
    const unit = r.file ?? (r.testId.includes(".") ? r.testId.slice(0, r.testId.lastIndexOf(".")) : r.testId);
    c.tests.add(unit);
    if (r.status === "failed" || r.status === "error") c.failed.add(unit);
  }
  const items: CoFailureItem[] = [];
  for (const c of byCommit.values()) {
    const files = c.runs.map((id) => changedOf.get(id)).find((f) => f !== undefined && f.length > 0);
    if (files !== undefined) items.push({ at: c.at, files, failedFiles: c.failed, tests: c.tests.size });
  }
  return items.sort((a, b) => a.at - b.at);
}

/** The settings training chooses among, the shipped one first (a tie keeps it). */
function candidateSettings(): CoFailureSettings[] {
  const s = SHIPPED_CO_FAILURE;
  return [s.commits, ...WINDOWS].flatMap((commits) =>
    [s.priorWeight, ...PRIORS].flatMap((priorWeight) =>
      [s.threshold, ...THRESHOLDS].flatMap((threshold) =>
        [s.minSupport, ...SUPPORTS].map((minSupport) => ({ commits, priorWeight, threshold, minSupport })),
      ),
    ),
  );
}

/** The counts of the newest `settings.commits` commits of `history`. */
function countsOf(history: readonly CoFailureItem[], settings: CoFailureSettings) {
  const counts = emptyCoFailure();
  for (const c of history.slice(-settings.commits)) countCommit(counts, c, 1);
  return counts;
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The co-failure model. */
export const testCoFailureModel: LearnedModel<
  CoFailureSettings,
  CoFailureItem,
  CoFailureInput,
  CoFailurePrediction,
  Promise<CoFailureSettings>
> = {
  name: TEST_COFAILURE,
  task: "which test files a change selects because they failed with changes to its files before (co-failure settings learnt per project)",
  codeVersion: "test-cofailure/1",
  metrics: [
    {
      name: "score",
      direction: "higher",
      description:
        "per held-out commit: share of its failing test files the signal selects (that no replayable earlier rule does), minus the share of its suite it adds that did not fail",
    },
    {
      name: "caught_share",
      direction: "higher",
      description: "held-out failing test files the signal selects, over those no replayable earlier rule selects",
    },
    { name: "extra_files", direction: "lower", description: "test files the signal adds per commit that did not fail" },
    { name: "commits", direction: "higher", description: "held-out commits judged" },
  ],
  latencyBudgetMs: 10,

  initialState(): CoFailureSettings {
    return { ...SHIPPED_CO_FAILURE };
  },

  async dataset(store: Store, scope: string, window): Promise<CoFailureItem[]> {
    const m = /^project:(\d+)$/.exec(scope);
    if (m === null) {
      throw new ValidationError(
        `the ${TEST_COFAILURE} model is trained per project (scope project:<id>), got '${scope}'`,
      );
    }
    const rows = await store.reports.projectHistory(Number(m[1]), {
      runs: MAX_DATASET_RUNS,
      from: window.from,
      to: window.to,
      trusts: CO_FAILURE_TRUSTS,
    });
    return coFailureItems(rows, await store.runs.changedFilesOf([...new Set(rows.map((r) => r.runId))]));
  },

  /**
   * The settings with the best mean score replaying `items` (after a warm-up); ties keep the
   * shipped rule. One replay per window serves every other setting; replays yield to the event loop.
   */
  async train(items) {
    const start = Math.floor(items.length * WARM_UP_SHARE);
    const all = candidateSettings();
    let best = { settings: { ...SHIPPED_CO_FAILURE }, score: Number.NEGATIVE_INFINITY };
    for (const commits of new Set(all.map((s) => s.commits))) {
      const settings = all.filter((s) => s.commits === commits);
      const replay = new CoFailureReplay(items, commits, settings, start, RECENT_COMMITS);
      for (let n = 1; !replay.done; n++) {
        replay.step();
        if (n % COMMITS_PER_SLICE === 0) await yieldToEventLoop();
      }
      for (const [k, f] of replay.figures.entries()) {
        const score = mean(f.perItem);
        if (score > best.score) best = { settings: settings[k]!, score };
      }
    }
    return best.settings;
  },

  evaluate(state, context, items): Evaluation {
    const replay = new CoFailureReplay([...context, ...items], state.commits, [state], context.length, RECENT_COMMITS);
    while (!replay.done) replay.step();
    const f = replay.figures[0]!;
    return {
      metrics: {
        score: mean(f.perItem),
        caught_share: f.failing === 0 ? 0 : f.caught / f.failing,
        extra_files: f.perItem.length === 0 ? 0 : f.extra / f.perItem.length,
        commits: f.perItem.length,
      },
      perItem: f.perItem,
      classes: [],
      latencyMs: replay.msPerJudgement,
    };
  },

  predict(state, input) {
    const counts = countsOf(input.history, state);
    const hit = strongestCoFailure(counts, input.changed, input.testFile, state);
    return { selected: hit !== undefined, ...(hit ? { hit } : {}), commits: counts.commits };
  },

  explain(state, input): Explanation {
    const counts = countsOf(input.history, state);
    const hit = strongestCoFailure(counts, input.changed, input.testFile, state);
    const features = input.changed
      .filter((f) => (counts.together.get(f)?.get(input.testFile) ?? 0) > 0)
      .map((f) => ({
        name: `co-failed with ${f}`,
        value: counts.together.get(f)!.get(input.testFile)!,
        contribution: coFailureProbability(counts, f, input.testFile, state.priorWeight),
      }))
      .sort((a, b) => b.contribution - a.contribution || (a.name < b.name ? -1 : 1))
      .slice(0, 5);
    const summary = hit
      ? explainCoFailure(hit, counts.commits, state, TEST_COFAILURE)
      : `no changed file co-failed with ${input.testFile} often enough (${counts.commits} commits of history)`;
    return { summary, features };
  },

  /** Per commit: how many files it changed and the share of its test files that failed. */
  features(_context, items) {
    return {
      changed_files: items.map((i) => i.files.length),
      failing_share: items.map((i) => i.failedFiles.size / Math.max(1, i.tests)),
    };
  },
};
