import { describe, expect, it } from "vitest";
import { flakyTests } from "./flakiness.js";
import { countRuns, learnedFlakyTests, testFlakinessModel, verdict } from "./flakiness-model.js";
import { isBrokenRun, isStormRun } from "./flaky-signs.js";
import { HistoryModel } from "./history-model.js";
import type { TimedRun } from "./stored-history.js";
import { runFromOutcomes } from "./test-run.js";

/** A run at `at` from `id → outcomes` ("f" failed, "p" passed, "fp" failed then passed on a retry). */
function run(at: number, outcomes: Record<string, string>): TimedRun {
  const list = Object.entries(outcomes).flatMap(([id, o]) =>
    [...o].map((c) => ({ id, status: c === "f" ? ("failed" as const) : ("passed" as const), durationMs: 5 })),
  );
  return { at, run: runFromOutcomes(`run ${at}`, list) };
}

describe("test-flakiness state", () => {
  it("counts each run once, survives JSON and takes hostile ids as plain ids", () => {
    const runs = [
      run(1, { "__proto__.x": "p", constructor: "p" }),
      run(2, { "__proto__.x": "fp", constructor: "f" }),
      run(3, { "__proto__.x": "p", constructor: "p" }),
    ];
    const state = JSON.parse(JSON.stringify(testFlakinessModel.train(runs)));
    expect(countRuns(state, runs)).toEqual(state);
    expect(verdict(state, "__proto__.x")).toMatchObject({ flaky: true, signs: { runs: 3, mixedRuns: 1 } });
    expect(verdict(state, "constructor")).toMatchObject({ flaky: false, signs: { runs: 3, blips: 1 } });
    expect(verdict(state, "toString")).toMatchObject({ flaky: false, score: 0, signs: { runs: 0 } });
  });

  it("skips broken runs: most tests failing at once says nothing about any one test", () => {
    const ids = Array.from({ length: 12 }, (_, i) => `s.T.t${i}`);
    const all = (o: string) => Object.fromEntries(ids.map((id) => [id, o]));
    const runs = [run(1, all("p")), run(2, all("f")), run(3, all("p")), run(4, all("f")), run(5, all("p"))];
    expect(isBrokenRun(runs[1]!.run)).toBe(true);
    const state = testFlakinessModel.train(runs);
    expect(state).toMatchObject({ runs: 5, through: 5, tests: [] });
    expect(verdict(state, "s.T.t0").signs.runs).toBe(3);
    // the same failures in 2 of 12 tests are signs: two blips each
    const two = (o: string) => ({ ...all("p"), "s.T.t0": o, "s.T.t1": o });
    const partial = testFlakinessModel.train([
      run(1, all("p")),
      run(2, two("f")),
      run(3, two("p")),
      run(4, two("f")),
      run(5, two("p")),
    ]);
    expect(verdict(partial, "s.T.t0")).toMatchObject({ flaky: true, signs: { blips: 2 } });
  });

  it("counts no blip in a storm run: a third of the suite failing once is the run's doing, not each test's", () => {
    const ids = Array.from({ length: 40 }, (_, i) => `s.T.t${i}`);
    const all = (o: string) => Object.fromEntries(ids.map((id) => [id, o]));
    const storm = () => ({ ...all("p"), ...Object.fromEntries(ids.slice(0, 13).map((id) => [id, "f"])) });
    const runs = [run(1, all("p")), run(2, storm()), run(3, all("p")), run(4, storm()), run(5, all("p"))];
    expect(isBrokenRun(runs[1]!.run)).toBe(false);
    expect(isStormRun(runs[1]!.run)).toBe(true);
    const state = testFlakinessModel.train(runs);
    expect(verdict(state, "s.T.t0")).toMatchObject({ flaky: false, signs: { runs: 5, failures: 2, blips: 0 } });
    // a retry's fail-and-pass in a storm still counts
    const retried = testFlakinessModel.train([
      run(1, all("p")),
      run(2, { ...storm(), "s.T.t0": "fp" }),
      run(3, all("p")),
    ]);
    expect(verdict(retried, "s.T.t0")).toMatchObject({ flaky: true, signs: { mixedRuns: 1 } });
  });

  it("resolves a failure with the next run that is not broken", () => {
    const ids = Array.from({ length: 12 }, (_, i) => `s.T.t${i}`);
    const all = (o: string) => Object.fromEntries(ids.map((id) => [id, o]));
    const one = (o: string) => ({ ...all("p"), "s.T.t0": o });
    const evaluate = (runs: TimedRun[]) =>
      testFlakinessModel.evaluate(testFlakinessModel.initialState(), [], runs).metrics.failures;
    // failed once, then a broken run, then passed: proves nothing
    expect(evaluate([run(1, one("f")), run(2, all("f")), run(3, one("p"))])).toBe(0);
    // failed again in the run after the broken one: a regression
    expect(evaluate([run(1, one("f")), run(2, all("f")), run(3, one("f"))])).toBe(1);
  });

  it("labels a history the same way as the history model's flaky tests, broken runs included", () => {
    const ids = Array.from({ length: 12 }, (_, i) => `s.T.t${i}`);
    const all = (o: string) => Object.fromEntries(ids.map((id) => [id, o]));
    const runs = [
      run(1, all("p")),
      run(2, { ...all("p"), "s.T.t0": "fp" }),
      run(3, all("f")),
      run(4, { ...all("p"), "s.T.t1": "f" }),
      run(5, all("p")),
      run(6, all("f")),
      run(7, { ...all("p"), "s.T.t1": "f" }),
      run(8, all("p")),
    ];
    const history = new HistoryModel();
    for (const r of runs) history.add(r.run);
    const learned = learnedFlakyTests(testFlakinessModel.train(runs), 1).map(({ reason: _, ...t }) => t);
    expect(flakyTests(history)).toEqual(learned);
    expect(learned.map((t) => [t.id, t.flaky, t.blips, t.mixedRuns, t.runs])).toEqual([
      ["s.T.t0", true, 0, 1, 6],
      ["s.T.t1", true, 2, 0, 6],
    ]);
    // the broken runs still count for the failure prediction
    expect(history.get("s.T.t2")).toMatchObject({ runs: 8, failures: 2, signs: { runs: 6, failures: 0 } });
  });

  it("counts a retry of a commit that an earlier update already counted as a fail-and-pass", () => {
    const first = [run(1, { "s.T.a": "p" }), run(2, { "s.T.a": "f" }), run(3, { "s.T.a": "f" })];
    const state = testFlakinessModel.train(first);
    expect(verdict(state, "s.T.a")).toMatchObject({ flaky: false, signs: { mixedRuns: 0 } });
    // the job of commit 2 was retried and passed after the update: the commit's group is now mixed
    const regrouped = [run(1, { "s.T.a": "p" }), run(2, { "s.T.a": "fp" }), run(3, { "s.T.a": "f" })];
    const updated = testFlakinessModel.update!(state, regrouped, [run(4, { "s.T.a": "p" })]);
    expect(verdict(updated, "s.T.a")).toMatchObject({ flaky: true, signs: { mixedRuns: 1, runs: 4 } });
    expect(verdict(updated, "s.T.a").signs.flakyEvidence).toContain("run 2: failed and passed in the same run");
    // counted once: the next update sees the same group again
    const again = testFlakinessModel.update!(updated, [...regrouped, run(4, { "s.T.a": "p" })], [run(5, {})]);
    expect(verdict(again, "s.T.a").signs.mixedRuns).toBe(1);
    expect(JSON.parse(JSON.stringify(again))).toEqual(again);
  });
});
