/**
 * Prioritisation on the Commons CI histories: replays every project cycle by cycle; before each
 * cycle with a failure, orders that cycle's test classes with pitcrew's `prioritize` (from the
 * HistoryModel fed every earlier cycle, defaults as shipped) and with three baselines reading
 * the same model: random (mean of 20 seeded shuffles), most-recent-failure-first and historical
 * failure rate (ties by id, like pitcrew). Reports mean APFD and APFDc per project.
 */
import { compareIds, HistoryModel, prioritize } from "../../src/testintel/index.js";
import { apfd, apfdc } from "./apfd.js";
import type { Cycle } from "./ci-history.js";
import { seededRandom } from "../../src/learning/index.js";

/** Method names in table order. */
export const METHODS = ["pitcrew", "random", "recent-failure", "failure-rate"] as const;
type Method = (typeof METHODS)[number];

/** Mean APFD and APFDc of each method over a project's failing cycles. */
export interface ProjectScores {
  cycles: number;
  failingCycles: number;
  apfd: Record<Method, number>;
  apfdc: Record<Method, number>;
  /** Mean time to rank one cycle with pitcrew, in ms. */
  rankMs: number;
  /** Per failing cycle, pitcrew's APFD against each baseline's: [better, equal, worse]. */
  paired: Record<Method, [number, number, number]>;
}

const RANDOM_SEEDS = 20;

/** Replays a project's cycles and scores every method on each failing cycle after the first. */
export function evaluateProject(cycles: readonly Cycle[]): ProjectScores {
  const model = new HistoryModel();
  const sums = { apfd: zero(), apfdc: zero() };
  let failing = 0;
  let rankMs = 0;
  const paired = Object.fromEntries(METHODS.map((m) => [m, [0, 0, 0]])) as unknown as Record<
    Method,
    [number, number, number]
  >;
  cycles.forEach((c, i) => {
    if (i > 0 && c.failing.size > 0) {
      failing++;
      const t = performance.now();
      const ours = prioritize(model, c.ids).map((r) => r.id);
      rankMs += performance.now() - t;
      const orders: [Method, string[]][] = [
        ["pitcrew", ours],
        ["recent-failure", byScore(c.ids, (id) => model.get(id)?.lastFailRun ?? -1)],
        ["failure-rate", byScore(c.ids, (id) => rate(model, id))],
      ];
      const cycle = zero();
      for (const [m, order] of orders) {
        cycle[m] = apfd(order, c.failing);
        sums.apfd[m] += cycle[m];
        sums.apfdc[m] += apfdc(order, c.failing, c.durations);
      }
      for (let seed = 1; seed <= RANDOM_SEEDS; seed++) {
        const order = shuffle(c.ids, seed * 7919 + i);
        cycle.random += apfd(order, c.failing) / RANDOM_SEEDS;
        sums.apfdc.random += apfdc(order, c.failing, c.durations) / RANDOM_SEEDS;
      }
      sums.apfd.random += cycle.random;
      for (const m of METHODS) {
        const d = cycle.pitcrew - cycle[m];
        paired[m][Math.abs(d) < 1e-9 ? 1 : d > 0 ? 0 : 2]++;
      }
    }
    model.add(c.run);
  });
  const mean = (r: Record<Method, number>) =>
    Object.fromEntries(METHODS.map((m) => [m, r[m] / failing])) as Record<Method, number>;
  return {
    cycles: cycles.length,
    failingCycles: failing,
    apfd: mean(sums.apfd),
    apfdc: mean(sums.apfdc),
    rankMs: rankMs / failing,
    paired,
  };
}

function rate(model: HistoryModel, id: string): number {
  const s = model.get(id);
  return s === undefined || s.runs === 0 ? 0 : s.failures / s.runs;
}

function byScore(ids: readonly string[], score: (id: string) => number): string[] {
  return [...ids].sort((a, b) => score(b) - score(a) || compareIds(a, b));
}

function zero(): Record<Method, number> {
  return { pitcrew: 0, random: 0, "recent-failure": 0, "failure-rate": 0 };
}

/** Fisher–Yates with a small seeded generator (mulberry32). */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const next = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A seeded uniform [0, 1) generator (mulberry32; the learning domain's). */
export const mulberry32 = seededRandom;
