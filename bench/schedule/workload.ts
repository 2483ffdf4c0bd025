/**
 * The replayed workload: commits arriving at pitcrew, each running the test classes of one real
 * CI cycle of the Apache Commons histories (bench/testintel/ci-history.ts) as its jobs.
 *
 * - Jobs: one per test class of the cycle, its duration the class's recorded time with each second
 *   read as a minute (×60): the records are single test classes of milliseconds to 90 s, a CI job
 *   runs for seconds to an hour; the same scale is applied to both schedulers.
 * - Commits: a Poisson process (independent developers pushing: exponential gaps), each to a
 *   project drawn uniformly from the projects replayed, which runs its cycles in their recorded
 *   order (wrapping around). The rate is set from the offered load: rate = load × slots / mean work
 *   of a commit, so the comparison is at a stated utilisation, not at a tuned one.
 * - Kind: a commit is a default-branch push with probability 0.3, else a pull-request run; a pull
 *   request gets a new branch half of the time, else another push to the project's latest one.
 */
import { seededRandom } from "../../src/learning/index.js";
import { type Cycle, readProject } from "../testintel/ci-history.js";

/** Each recorded second of a test class becomes a minute of job time. */
export const TIME_SCALE = 60;
/** Share of commits that are pushes to the default branch. */
export const DEFAULT_BRANCH_SHARE = 0.3;

/** A job of the replay. */
export interface ReplayJob {
  id: string;
  project: string;
  /** The test class it stands for (the predictor's job key). */
  name: string;
  branch: string;
  kind: "default-branch" | "pull-request";
  arrival: number;
  durationMs: number;
}

/** Cycles of each named project (read once per process). */
export function loadCycles(projects: readonly string[]): Map<string, Cycle[]> {
  const out = new Map<string, Cycle[]>();
  for (const p of projects) {
    const cycles = readProject(p);
    if (!cycles) throw new Error(`no history for ${p}: set PITCREW_CI_HISTORY to the ci-history folder`);
    out.set(p, cycles);
  }
  return out;
}

/** `commits` commits over `cycles` at offered load `load` on `slots` job slots, seeded. */
export function makeWorkload(
  cycles: Map<string, Cycle[]>,
  opts: { commits: number; load: number; slots: number; seed: number },
): ReplayJob[] {
  const projects = [...cycles.keys()];
  const work = (c: Cycle) => [...c.durations.values()].reduce((a, b) => a + b, 0) * TIME_SCALE;
  const meanWork = projects.reduce((s, p) => s + mean(cycles.get(p)!.map(work)), 0) / projects.length;
  const rate = (opts.load * opts.slots) / meanWork; // commits per ms
  const rnd = seededRandom(opts.seed);
  const next = new Map(projects.map((p) => [p, Math.floor(rnd() * cycles.get(p)!.length)]));
  const prOf = new Map<string, number>();
  const jobs: ReplayJob[] = [];
  let t = 0;
  let prs = 0;
  for (let c = 0; c < opts.commits; c++) {
    t += -Math.log(1 - rnd()) / rate;
    const project = projects[Math.floor(rnd() * projects.length)]!;
    const list = cycles.get(project)!;
    const i = next.get(project)!;
    next.set(project, (i + 1) % list.length);
    const kind = rnd() < DEFAULT_BRANCH_SHARE ? "default-branch" : "pull-request";
    if (kind === "pull-request" && (rnd() < 0.5 || !prOf.has(project))) prOf.set(project, ++prs);
    const branch = kind === "default-branch" ? "master" : `pr-${prOf.get(project)}`;
    for (const [name, ms] of list[i]!.durations)
      jobs.push({ id: `${c}/${name}`, project, name, branch, kind, arrival: t, durationMs: ms * TIME_SCALE });
  }
  return jobs;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
