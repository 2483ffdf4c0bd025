/**
 * The scheduler's duration predictor as a learned model (`job-duration`, one scope per project):
 * its state is the project's {@link DurationSettings} — how many of the newest durations the
 * median is taken over, how many a branch level needs before it answers, whether the changed
 * areas level is used — chosen by replaying the project's stored job history. The estimate itself
 * is always `DurationPredictor`'s (the hub's, the replay's), so a version changes only how it is
 * taken. Its shipped default is the rule the hub used before (median of the last 8, 3 per branch
 * level, areas used): a trained version goes live only when its absolute error on the jobs after
 * its training window is lower beyond the noise. Per project: job names, branches and durations
 * are a project's own, and one project's history cannot tune another's estimates.
 */
import type { DataItem, Evaluation, Explanation, LearnedModel } from "../../learning/index.js";
import type { Store } from "../../store/index.js";
import {
  changedAreas,
  DEFAULT_DURATION_SETTINGS,
  type DurationPrediction,
  DurationPredictor,
  type DurationQuery,
  type DurationSettings,
} from "../duration-predictor.js";

/** Name of the model. */
export const JOB_DURATION = "job-duration";

/** Most jobs a data set reads (the newest of the window). */
export const MAX_DURATION_ITEMS = 200_000;

/** Share of the training items that only warm the predictor up before settings are scored. */
const WARM_UP_SHARE = 0.2;

/** The settings training chooses among (the shipped default is one of them). */
const WINDOWS = [3, 5, 8, 12, 20];
const MIN_SAMPLES = [1, 2, 3, 5];

/** One finished job: what was known before it ran, and how long it took. */
export interface JobDurationItem extends DataItem {
  job: string;
  branch: string;
  /** Paths its commit changed (empty when unknown). */
  paths: string[];
  durationMs: number;
}

/** One estimate: the job about to run and the finished jobs before it (oldest first). */
export interface JobDurationInput {
  history: readonly JobDurationItem[];
  query: Omit<DurationQuery, "project">;
}

/** The project key inside the model's own predictor (a scope holds one project). */
const PROJECT = "project";

/** The scope of a project's duration model. */
export function jobDurationScope(projectId: number): string {
  return `project:${projectId}`;
}

/** A predictor using `settings`, having learnt `history`. */
function predictorOf(settings: DurationSettings, history: readonly JobDurationItem[]): DurationPredictor {
  const p = new DurationPredictor(settings);
  for (const i of history) p.observe(queryOf(i, i.durationMs));
  return p;
}

function queryOf(i: Omit<DurationQuery, "project">, durationMs: number) {
  return { project: PROJECT, job: i.job, branch: i.branch, paths: i.paths, durationMs };
}

/** Absolute errors (s) of `predictor`'s estimates on `items`, each predicted before it is learnt. */
function replayErrors(predictor: DurationPredictor, items: readonly JobDurationItem[]): number[] {
  return items.map((i) => {
    const estimate = predictor.predict(queryOf(i, i.durationMs));
    predictor.observe(queryOf(i, i.durationMs));
    return Math.abs(estimate.ms - i.durationMs) / 1000;
  });
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

function medianOf(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
}

/** `ms` for people: `42s`, `4m12s`, `1h03m`. */
export function formatEstimate(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Why an estimate came out as it did, e.g. `median of the last 8 runs of job test on branch main:
 * 4m12s (job-duration v3: window 8, 3 per branch level, changed areas)`; `version` names where the
 * settings came from (null: the shipped rule; undefined: not said).
 */
export function explainEstimate(
  q: Omit<DurationQuery, "project">,
  estimate: DurationPrediction,
  settings: DurationSettings,
  version?: number | null,
): string {
  const runs = (n: number) => `the last ${n} run${n === 1 ? "" : "s"}`;
  const what = {
    "job+branch+paths": `median of ${runs(estimate.samples)} of job ${q.job} on branch ${q.branch} changing ${changedAreas(q.paths)}`,
    "job+branch": `median of ${runs(estimate.samples)} of job ${q.job} on branch ${q.branch}`,
    job: `median of ${runs(estimate.samples)} of job ${q.job} on any branch`,
    project: `median of the project's last ${estimate.samples} jobs (job ${q.job} never ran)`,
    default: "no history: the default",
  }[estimate.basis];
  const source = version === undefined ? "" : version === null ? "shipped rule: " : `${JOB_DURATION} v${version}: `;
  const areas = settings.byAreas ? ", changed areas" : "";
  return `${what}: ${formatEstimate(estimate.ms)} (${source}window ${settings.window}, ${settings.minSamples} per branch level${areas})`;
}

/** The job duration model. */
export const jobDurationModel: LearnedModel<DurationSettings, JobDurationItem, JobDurationInput, DurationPrediction> = {
  name: JOB_DURATION,
  task: "how long a job will run (the scheduler's estimate: median of recent runs, settings learnt per project)",
  codeVersion: "job-duration/1",
  metrics: [
    { name: "mae_s", direction: "lower", description: "mean absolute error of the estimate, seconds" },
    { name: "median_ae_s", direction: "lower", description: "median absolute error of the estimate, seconds" },
    {
      name: "mae_last_duration_s",
      direction: "lower",
      description: "mean absolute error of the job's last duration as the estimate (a reference), seconds",
    },
    { name: "jobs", direction: "higher", description: "held-out jobs scored" },
  ],
  latencyBudgetMs: 1,
  // an error in seconds: drift when the live error is half again the one it went live with
  relativeMetricDrop: 0.5,

  initialState(): DurationSettings {
    return { ...DEFAULT_DURATION_SETTINGS };
  },

  async dataset(store: Store, scope: string, window): Promise<JobDurationItem[]> {
    const m = /^project:(\d+)$/.exec(scope);
    if (m === null) return [];
    const rows = await store.jobs.finishedDurations(Number(m[1]), window.from, window.to, MAX_DURATION_ITEMS);
    return rows.map((r) => ({
      at: r.finishedAt,
      job: r.key,
      branch: r.branch,
      paths: r.changedFiles,
      durationMs: Math.max(0, r.finishedAt - r.startedAt),
    }));
  },

  /** The settings with the lowest mean absolute error replaying `items` (after a warm-up); ties keep the default. */
  train(items) {
    const warm = items.slice(0, Math.floor(items.length * WARM_UP_SHARE));
    const scored = items.slice(warm.length);
    let best = { settings: { ...DEFAULT_DURATION_SETTINGS }, mae: Number.POSITIVE_INFINITY };
    const candidates = [
      { ...DEFAULT_DURATION_SETTINGS },
      ...WINDOWS.flatMap((window) =>
        MIN_SAMPLES.flatMap((minSamples) => [true, false].map((byAreas) => ({ window, minSamples, byAreas }))),
      ),
    ];
    for (const settings of candidates) {
      const mae = mean(replayErrors(predictorOf(settings, warm), scored));
      if (mae < best.mae) best = { settings, mae };
    }
    return best.settings;
  },

  evaluate(state, context, items): Evaluation {
    const predictor = predictorOf(state, context);
    const last = new Map<string, number>();
    for (const c of context) last.set(c.job, c.durationMs);
    const perItem: number[] = [];
    const lastErrors: number[] = [];
    let ms = 0;
    for (const i of items) {
      const t = performance.now();
      const estimate = predictor.predict(queryOf(i, i.durationMs));
      ms += performance.now() - t;
      perItem.push(Math.abs(estimate.ms - i.durationMs) / 1000);
      lastErrors.push(Math.abs((last.get(i.job) ?? estimate.ms) - i.durationMs) / 1000);
      predictor.observe(queryOf(i, i.durationMs));
      last.set(i.job, i.durationMs);
    }
    return {
      metrics: {
        mae_s: mean(perItem),
        median_ae_s: medianOf(perItem),
        mae_last_duration_s: mean(lastErrors),
        jobs: perItem.length,
      },
      perItem,
      classes: [],
      latencyMs: perItem.length === 0 ? 0 : ms / perItem.length,
    };
  },

  predict(state, input) {
    return predictorOf(state, input.history).predict({ project: PROJECT, ...input.query });
  },

  explain(state, input): Explanation {
    const estimate = predictorOf(state, input.history).predict({ project: PROJECT, ...input.query });
    return {
      summary: explainEstimate(input.query, estimate, state),
      // a median has no additive parts: the level that answered carries the whole estimate
      features: [{ name: `median of ${estimate.basis}`, value: estimate.samples, contribution: estimate.ms / 1000 }],
    };
  },

  /** Per job: its duration (log10 seconds) and the number of top-level areas its commit changed. */
  features(_context, items) {
    return {
      log_duration_s: items.map((i) => Math.log10(Math.max(1, i.durationMs / 1000))),
      changed_areas: items.map((i) => (i.paths.length === 0 ? 0 : changedAreas(i.paths).split(",").length)),
    };
  },
};
