/**
 * A generated history with known flaky tests, for flaky-detection precision and recall: `tests`
 * tests over `runs` runs (seeded). A tenth of the tests are flaky: each run they fail at random
 * with their own rate (1–15 %). Real regressions are mixed in: every run, with probability 0.15, a
 * change breaks 1–3 random tests (flaky ones included) until a fix 1–6 runs later. A failing job
 * is retried on the same commit half of the time (a pipeline with `retries`): a flaky failure then
 * passes with probability 1 − rate, a regression fails again. Each run becomes the same
 * {@link TestRun} pitcrew builds from a JUnit report (a retry = the same case twice).
 */
import { runFromCases, type TestRun } from "../../src/testintel/index.js";
import { mulberry32 } from "./prioritization.js";

/** The generated runs and the ids of the tests made flaky. */
export interface FlakyHistory {
  runs: TestRun[];
  flaky: Set<string>;
  /** Per run, the tests broken by a regression in it (their failures are not flakes). */
  broken: Set<string>[];
  /** Per run, the tests whose regression started in it. */
  newlyBroken: Set<string>[];
}

/** Generates the history (deterministic for a seed). */
export function generateFlakyHistory(seed: number, tests = 300, runs = 300): FlakyHistory {
  const rnd = mulberry32(seed);
  const ids = Array.from({ length: tests }, (_, i) => `gen.Suite${Math.floor(i / 10)}.test${i % 10}`);
  const rate = new Map<string, number>();
  for (const id of ids) if (rnd() < 0.1) rate.set(id, 0.01 + 0.14 * rnd());
  const brokenUntil = new Map<string, number>();
  const out: TestRun[] = [];
  const broken: Set<string>[] = [];
  const newlyBroken: Set<string>[] = [];
  for (let r = 0; r < runs; r++) {
    const started = new Set<string>();
    if (rnd() < 0.15) {
      const n = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < n; k++) {
        const id = ids[Math.floor(rnd() * tests)]!;
        if ((brokenUntil.get(id) ?? -1) <= r) started.add(id);
        brokenUntil.set(id, r + 1 + Math.floor(rnd() * 6));
      }
    }
    newlyBroken.push(started);
    broken.push(new Set(ids.filter((id) => (brokenUntil.get(id) ?? -1) > r)));
    const retry = rnd() < 0.5;
    const cases: { classname: string; name: string; status: "passed" | "failed"; durationMs: number }[] = [];
    for (const id of ids) {
      const dot = id.lastIndexOf(".");
      const c = { classname: id.slice(0, dot), name: id.slice(dot + 1), durationMs: 20 };
      const broken = (brokenUntil.get(id) ?? -1) > r;
      const flakeRate = rate.get(id) ?? 0;
      const fails = broken || rnd() < flakeRate;
      cases.push({ ...c, status: fails ? "failed" : "passed" });
      if (fails && retry) cases.push({ ...c, status: broken || rnd() < flakeRate ? "failed" : "passed" });
    }
    out.push(runFromCases(`run-${r + 1}`, cases));
  }
  return { runs: out, flaky: new Set(rate.keys()), broken, newlyBroken };
}
