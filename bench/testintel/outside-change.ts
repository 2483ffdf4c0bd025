/**
 * DeFlaker's signal on the generated flaky history (flaky-history.ts): which first-attempt failures
 * a `tests:` step may rerun as suspected flakes — before, only tests known flaky from the runs so
 * far; after, also those whose file is outside the change. A change stream is laid over the history
 * with its own seeded generator, so the history (and section 2's figures) stay the same. Fixed
 * assumptions, not fitted: 30 source modules; each test depends on its suite's module and 2 random
 * others; a fifth of the tests have no dependency data (no signal); every commit changes 1–3 random
 * modules; the commit that starts a regression also changes one module the broken test depends on,
 * except one regression in five whose cause the data cannot see (an environment, a hidden read);
 * the change is the diff from the last green run (no test failing after retries), as the runner's
 * base is the branch's last green push.
 */
import { HistoryModel, isFlaky } from "../../src/testintel/index.js";
import type { FlakyHistory } from "./flaky-history.js";
import { mulberry32 } from "./prioritization.js";

const MODULES = 30;

/** Precision and recall of "eligible for a rerun as a suspected flake" over first-attempt failures. */
export interface RerunScores {
  failures: number;
  flakes: number;
  before: { eligible: number; hits: number };
  after: { eligible: number; hits: number };
}

/** Replays `h` run by run and scores both rules (deterministic for a seed). */
export function scoreOutsideChange(h: FlakyHistory, seed: number): RerunScores {
  const rnd = mulberry32(seed + 7919);
  const ids = [...h.runs[0]!.results.keys()];
  const deps = new Map<string, Set<number> | undefined>();
  for (const [i, id] of ids.entries()) {
    const suite = Math.floor(i / 10) % MODULES;
    deps.set(id, rnd() < 0.2 ? undefined : new Set([suite, Math.floor(rnd() * MODULES), Math.floor(rnd() * MODULES)]));
  }
  const model = new HistoryModel();
  const scores: RerunScores = {
    failures: 0,
    flakes: 0,
    before: { eligible: 0, hits: 0 },
    after: { eligible: 0, hits: 0 },
  };
  let sinceGreen = new Set<number>();
  for (const [r, run] of h.runs.entries()) {
    const changed = new Set<number>();
    const n = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < n; k++) changed.add(Math.floor(rnd() * MODULES));
    for (const id of h.newlyBroken[r]!) {
      const d = deps.get(id);
      const visible = rnd() >= 0.2;
      if (visible && d) changed.add([...d][Math.floor(rnd() * d.size)]!);
    }
    for (const m of changed) sinceGreen.add(m);
    for (const [id, res] of run.results) {
      if (!res.failed && !res.mixed) continue;
      // a mixed result failed first and passed on the retry: a first-attempt failure too
      scores.failures++;
      const flake = !h.broken[r]!.has(id);
      if (flake) scores.flakes++;
      const s = model.get(id)?.signs;
      const known = s !== undefined && isFlaky(s);
      const d = deps.get(id);
      const outside = d !== undefined && ![...d].some((m) => sinceGreen.has(m));
      if (known) {
        scores.before.eligible++;
        if (flake) scores.before.hits++;
      }
      if (known || outside) {
        scores.after.eligible++;
        if (flake) scores.after.hits++;
      }
    }
    model.add(run);
    const green = [...run.results.values()].every((x) => !x.failed || x.mixed);
    if (green) sinceGreen = new Set();
  }
  return scores;
}
