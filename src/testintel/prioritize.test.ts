import { describe, expect, it } from "vitest";
import { flakyTests } from "./flakiness.js";
import { HistoryModel } from "./history-model.js";
import { predictFailure } from "./predict-failure.js";
import { prioritize } from "./prioritize.js";
import { runFromCases } from "./test-run.js";

type Outcome = "passed" | "failed";

/** A model fed `runs`, each a map of id → outcome (every test takes `ms[id]` or 100 ms). */
function model(runs: Record<string, Outcome | [Outcome, Outcome]>[], ms: Record<string, number> = {}): HistoryModel {
  const m = new HistoryModel();
  runs.forEach((r, i) => {
    const cases = Object.entries(r).flatMap(([id, o]) => {
      const dot = id.lastIndexOf(".");
      const base = { classname: id.slice(0, dot), name: id.slice(dot + 1), durationMs: ms[id] ?? 100 };
      return (Array.isArray(o) ? o : [o]).map((status) => ({ ...base, status }));
    });
    m.add(runFromCases(`run-${i + 1}`, cases));
  });
  return m;
}

const stable = (n: number, extra: Record<string, Outcome> = {}) =>
  Array.from({ length: n }, () => ({ "s.A.one": "passed" as const, "s.A.two": "passed" as const, ...extra }));

describe("prioritize", () => {
  it("puts a test failing now first, a test that failed before next, stable tests last", () => {
    const m = model([
      ...stable(10, { "s.B.old": "passed", "s.C.now": "passed" }),
      { "s.A.one": "passed", "s.A.two": "passed", "s.B.old": "failed", "s.C.now": "passed" },
      ...stable(10, { "s.B.old": "passed", "s.C.now": "passed" }),
      { "s.A.one": "passed", "s.A.two": "passed", "s.B.old": "passed", "s.C.now": "failed" },
    ]);
    const ranked = prioritize(m, ["s.A.one", "s.A.two", "s.B.old", "s.C.now"]);
    expect(ranked.map((r) => r.id)).toEqual(["s.C.now", "s.B.old", "s.A.one", "s.A.two"]);
    expect(ranked[0]!.reason).toMatch(/failed its last run/);
    expect(ranked[1]!.reason).toMatch(/failed 1 of 22 runs, last 11 runs ago/);
    expect(ranked[2]!.reason).toBe("never failed in 22 runs");
  });

  it("ranks a new test above proven stable ones, and lists every candidate once", () => {
    const m = model(stable(20));
    const ranked = prioritize(m, ["s.A.one", "n.New.test", "s.A.two", "n.New.test"]);
    expect(ranked.map((r) => r.id)).toEqual(["n.New.test", "s.A.one", "s.A.two"]);
    expect(ranked[0]!.reason).toMatch(/^no history: a new test .*suite median assumed$/);
    expect(ranked[0]!.durationMs).toBe(100);
  });

  it("among equally likely failures, runs the cheaper test first (probability per second as the tie-break)", () => {
    const runs = [
      ...stable(5, { "s.Fast.t": "passed", "s.Slow.t": "passed" }),
      {
        "s.A.one": "passed" as const,
        "s.A.two": "passed" as const,
        "s.Fast.t": "failed" as const,
        "s.Slow.t": "failed" as const,
      },
    ];
    const ranked = prioritize(model(runs, { "s.Slow.t": 5000, "s.Fast.t": 50 }), ["s.Slow.t", "s.Fast.t"]);
    expect(ranked.map((r) => r.id)).toEqual(["s.Fast.t", "s.Slow.t"]);
    expect(ranked[0]!.probability).toBeCloseTo(ranked[1]!.probability);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
  });

  it("learns how often new tests fail their first run", () => {
    const failingNewcomers: Record<string, Outcome>[] = [
      { "s.A.one": "passed" as const },
      { "s.A.one": "passed" as const, "n.B.x": "failed" as const },
      { "s.A.one": "passed" as const, "n.B.x": "passed" as const, "n.C.y": "failed" as const },
    ];
    const passingNewcomers: Record<string, Outcome>[] = [
      { "s.A.one": "passed" as const },
      { "s.A.one": "passed" as const, "n.B.x": "passed" as const },
      { "s.A.one": "passed" as const, "n.B.x": "passed" as const, "n.C.y": "passed" as const },
    ];
    const p1 = predictFailure(model(failingNewcomers), "n.D.z", 100).probability;
    const p2 = predictFailure(model(passingNewcomers), "n.D.z", 100).probability;
    expect(p1).toBeGreaterThan(p2 * 5);
  });

  it("discounts a flaky test's failures and lists it with evidence", () => {
    const runs: Record<string, Outcome | [Outcome, Outcome]>[] = [];
    for (let i = 0; i < 30; i++) {
      runs.push({
        "s.Flaky.t": i % 5 === 2 ? ["failed", "passed"] : "passed",
        "s.Solid.t": i === 12 ? "failed" : "passed",
      });
    }
    const m = model(runs);
    const flaky = flakyTests(m);
    expect(flaky.map((f) => [f.id, f.flaky])).toEqual([
      ["s.Flaky.t", true],
      ["s.Solid.t", false],
    ]);
    expect(flaky[0]).toMatchObject({ mixedRuns: 6, failures: 6, runs: 30 });
    expect(flaky[0]!.evidence.at(-1)).toBe("run-28: failed and passed in the same run");
    expect(predictFailure(m, "s.Flaky.t", 100).reason).toMatch(/flakiness 0\.92$/);
  });
});
