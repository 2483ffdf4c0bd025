/**
 * bench:job-duration — the `job-duration` model (the scheduler's estimate, src/agents/learning/):
 *
 * 1. On the six Apache Commons CI histories (bench/testintel/ci-history.ts; PITCREW_CI_HISTORY):
 *    a job per test class and cycle, its recorded time as its duration (each second read as a
 *    minute, as bench:schedule does), one cycle an hour. Trained on all but the newest 20 % of the
 *    cycles, evaluated on those beside the shipped rule (the incumbent, same run) and "last
 *    duration"; the gate's decision as `pitcrew models train` takes it.
 * 2. Training + evaluation time on a generated busy year: 50 runs a day for 365 days, 4 jobs a
 *    run, on 3 branches, durations drifting slowly with noise (target: under a minute).
 *
 * Skips part 1 with a message when the histories are absent. Prints the figures.
 */
import {
  DEFAULT_DURATION_SETTINGS,
  type DurationSettings,
  type JobDurationItem,
  jobDurationModel,
} from "../../src/agents/index.js";
import { decidePromotion, seededRandom } from "../../src/learning/index.js";
import { TIME_SCALE } from "../schedule/workload.js";
import { CI_HISTORY_DIR, PROJECTS, readProject } from "../testintel/ci-history.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const f = (x: number | undefined) => (x === undefined ? "–" : x.toFixed(2));
const settings = (s: DurationSettings) =>
  `window ${s.window}, ${s.minSamples} per branch level, areas ${s.byAreas ? "on" : "off"}`;

/** Trains on the older items, evaluates candidate and shipped rule on the newest `heldShare`. */
function splitRun(items: readonly JobDurationItem[], heldShare: number) {
  const cut = items[Math.floor(items.length * (1 - heldShare))]!.at;
  const train = items.filter((i) => i.at < cut);
  const held = items.filter((i) => i.at >= cut);
  const t0 = performance.now();
  const state = jobDurationModel.train(train);
  const t1 = performance.now();
  const decision = decidePromotion(
    jobDurationModel,
    jobDurationModel.evaluate(state, train, held),
    jobDurationModel.evaluate(jobDurationModel.initialState(), train, held),
  );
  const t2 = performance.now();
  return { state, decision, train: train.length, held: held.length, trainMs: t1 - t0, evaluateMs: t2 - t1 };
}

console.log("## job-duration on the Commons CI histories (held out: the newest 20 % of cycles)");
console.log();
const found = PROJECTS.map((p) => ({ name: p, cycles: readProject(p) })).filter((p) => p.cycles !== undefined);
if (found.length === 0) {
  console.log(`skipped: no Commons_*.csv in ${CI_HISTORY_DIR} (set PITCREW_CI_HISTORY to the ci-history folder)`);
} else {
  console.log(
    "| project | jobs train / held | learnt settings | MAE s learnt | MAE s shipped | MAE s last | median AE s learnt / shipped | gate |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const p of found) {
    const items: JobDurationItem[] = p.cycles!.flatMap((c, i) =>
      [...c.durations].map(([job, ms]) => ({
        at: i * HOUR,
        job,
        branch: "main",
        paths: [],
        durationMs: ms * TIME_SCALE,
      })),
    );
    const r = splitRun(items, 0.2);
    const c = r.decision.candidate.metrics;
    const inc = r.decision.incumbent.metrics;
    console.log(
      `| ${p.name} | ${r.train} / ${r.held} | ${settings(r.state)} | ${f(c.mae_s)} | ${f(inc.mae_s)} | ${f(inc.mae_last_duration_s)} | ${f(c.median_ae_s)} / ${f(inc.median_ae_s)} | ${r.decision.promote ? "promoted" : "refused"}, p(not better) ${r.decision.comparison.pNotBetter.toFixed(3)} |`,
    );
  }
}

console.log();
console.log("## Training + evaluation on a generated busy year (50 runs/day, 4 jobs, 3 branches)");
const random = seededRandom(7);
const base = [90, 300, 600, 1500];
const year: JobDurationItem[] = [];
for (let r = 0; r < 365 * 50; r++) {
  const at = Math.floor((r * DAY) / 50);
  const branch = ["main", "feature-a", "feature-b"][r % 3]!;
  const paths = random() < 0.5 ? ["src/a.ts"] : ["docs/readme.md"];
  const slow = 1 + 0.5 * Math.sin((2 * Math.PI * r) / (50 * 60)); // a two-month cycle
  for (const [k, s] of base.entries()) {
    year.push({ at: at + k, job: `job${k}`, branch, paths, durationMs: s * 1000 * slow * (0.8 + 0.4 * random()) });
  }
}
const y = splitRun(year, 7 / 365);
console.log(
  `- ${year.length} jobs: training ${(y.trainMs / 1000).toFixed(1)} s (${y.train} jobs, 41 settings replayed), evaluation of candidate + shipped rule on the last week ${(y.evaluateMs / 1000).toFixed(1)} s (${y.held} jobs), total ${((y.trainMs + y.evaluateMs) / 1000).toFixed(1)} s (target < 60 s)`,
);
console.log(`- learnt: ${settings(y.state)} (shipped: ${settings(DEFAULT_DURATION_SETTINGS)})`);
console.log(`- gate: ${y.decision.reason}`);
