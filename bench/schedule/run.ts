/**
 * `npm run bench:schedule`: FIFO against pitcrew's scheduler on the same replayed workload and
 * agent pool (workload.ts, simulate.ts): p50/p95 queue wait, makespan and throughput, the share
 * of default-branch jobs waiting over a minute, and the duration predictor's median absolute
 * error against "last duration". Seeds 1–5; offered loads 0.7, 0.85, 0.95; all six projects and
 * each half of them (the policy's constants were set before the data was replayed: the halves
 * show whether the gain holds on projects apart). Options: `--commits N` (default 1000).
 */
import { DEFAULT_SCHEDULE_POLICY, FIFO_POLICY, LOOKAHEAD, type SchedulePolicy } from "../../src/agents/index.js";
import { PROJECTS } from "../testintel/ci-history.js";
import { pool, type ReplayResult, replay } from "./simulate.js";
import { loadCycles, makeWorkload } from "./workload.js";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const COMMITS = arg("commits", 1000);
const SEEDS = [1, 2, 3, 4, 5];
const AGENTS = pool(4, 2);
const SLOTS = AGENTS.reduce((n, a) => n + a.concurrency, 0);
const SETS: Record<string, readonly string[]> = {
  all: PROJECTS,
  "half A (codec, compress, imaging)": PROJECTS.slice(0, 3),
  "half B (io, lang, math)": PROJECTS.slice(3),
};

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const sec = (ms: number) => (ms / 1000).toFixed(1);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

interface Row {
  p50: number;
  p95: number;
  makespan: number;
  perHour: number;
  over1min: number;
  maxWait: number;
}

function summarise(r: ReplayResult): Row {
  return {
    p50: quantile(r.waits, 0.5),
    p95: quantile(r.waits, 0.95),
    makespan: r.makespanMs,
    perHour: r.jobs / (r.makespanMs / 3_600_000),
    over1min: r.defaultWaits.filter((w) => w > 60_000).length / Math.max(1, r.defaultWaits.length),
    maxWait: Math.max(...r.waits),
  };
}

const started = Date.now();
console.log(
  `# Scheduling replay — ${new Date().toISOString().slice(0, 10)}, load average ${(await import("node:os"))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
);
console.log(
  `pool: ${AGENTS.length} agents × ${AGENTS[0]!.concurrency} slots; ${COMMITS} commits per run; seeds ${SEEDS.join(", ")}\n`,
);
/** The agent hub's consumers take each agent's concurrency + LOOKAHEAD queue items (agent-hub.ts). */
const HUB_WINDOW = SLOTS + LOOKAHEAD * AGENTS.length;
const policies: [string, SchedulePolicy, number][] = [
  ["FIFO", FIFO_POLICY, Number.POSITIVE_INFINITY],
  ["pitcrew", DEFAULT_SCHEDULE_POLICY, Number.POSITIVE_INFINITY],
  ["pitcrew, hub window", DEFAULT_SCHEDULE_POLICY, HUB_WINDOW],
];
for (const [setName, projects] of Object.entries(SETS)) {
  const cycles = loadCycles(projects);
  for (const load of [0.7, 0.85, 0.95]) {
    console.log(`## ${setName}, offered load ${load}\n`);
    console.log(
      "| seed | jobs | policy | p50 wait s | p95 wait s | max wait s | makespan h | jobs/h | default-branch > 1 min | p95 vs FIFO |",
    );
    console.log("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    const ratios: number[] = [];
    const windowRatios: number[] = [];
    const errs: { predictor: number; last: number; actual: number }[] = [];
    for (const seed of SEEDS) {
      const jobs = makeWorkload(cycles, { commits: COMMITS, load, slots: SLOTS, seed });
      let fifoP95 = 0;
      for (const [name, policy, window] of policies) {
        const r = replay(jobs, AGENTS, policy, window);
        const s = summarise(r);
        if (name === "FIFO") fifoP95 = s.p95;
        else if (Number.isFinite(window)) windowRatios.push(s.p95 / fifoP95);
        else {
          ratios.push(s.p95 / fifoP95);
          errs.push(...r.errors.filter((e) => e.withHistory));
        }
        const vs = name === "FIFO" ? "" : `${((s.p95 / fifoP95 - 1) * 100).toFixed(1)} %`;
        console.log(
          `| ${seed} | ${jobs.length} | ${name} | ${sec(s.p50)} | ${sec(s.p95)} | ${sec(s.maxWait)} | ${(s.makespan / 3_600_000).toFixed(2)} | ${s.perHour.toFixed(0)} | ${pct(s.over1min)} | ${vs} |`,
        );
      }
    }
    for (const [label, rs] of [
      ["pitcrew", ratios],
      ["pitcrew, hub window", windowRatios],
    ] as const) {
      const m = rs.reduce((a, b) => a + b, 0) / rs.length;
      console.log(
        `${label === "pitcrew" ? "\n" : ""}p95 wait, ${label} / FIFO: mean ${m.toFixed(3)} (${((1 - m) * 100).toFixed(1)} % lower), per seed ${rs.map((r) => r.toFixed(3)).join(", ")}`,
      );
    }
    const long = errs.filter((e) => e.actual >= 60_000);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `duration predictor vs last duration, over the ${errs.length} jobs of all seeds run before: median absolute error ${median(errs.map((e) => e.predictor)).toFixed(0)} ms vs ${median(errs.map((e) => e.last)).toFixed(0)} ms; on the ${long.length} of ≥ 1 min ${sec(median(long.map((e) => e.predictor)))} s vs ${sec(median(long.map((e) => e.last)))} s; mean absolute error ${sec(mean(errs.map((e) => e.predictor)))} s vs ${sec(mean(errs.map((e) => e.last)))} s\n`,
    );
  }
}
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
