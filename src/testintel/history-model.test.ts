import { describe, expect, it } from "vitest";
import { HistoryModel } from "./history-model.js";
import { runFromCases } from "./test-run.js";

const run = (label: string, outcomes: Record<string, "passed" | "failed" | "skipped" | "retried">) =>
  runFromCases(
    label,
    Object.entries(outcomes).flatMap(([id, o]) => {
      const [classname, name] = id.split("#") as [string, string];
      const c = { classname, name, durationMs: 100 };
      if (o === "retried")
        return [
          { ...c, status: "failed" as const },
          { ...c, status: "passed" as const },
        ];
      return [{ ...c, status: o }];
    }),
  );

describe("runFromCases", () => {
  it("folds retries into one result per id, failed and mixed, and leaves skipped cases out", () => {
    const r = run("r1", { "a.B#x": "retried", "a.B#y": "passed", "a.B#z": "skipped" });
    expect([...r.results.keys()]).toEqual(["a.B.x", "a.B.y"]);
    expect(r.results.get("a.B.x")).toEqual({ failed: true, mixed: true, durationMs: 100 });
    expect(r.results.get("a.B.y")).toEqual({ failed: false, mixed: false, durationMs: 100 });
  });
});

describe("HistoryModel", () => {
  it("counts runs, failures, streaks, transitions after a failure and new tests", () => {
    const m = new HistoryModel();
    m.add(run("1", { "t.A#a": "passed", "t.A#b": "passed" }));
    m.add(run("2", { "t.A#a": "failed", "t.A#b": "passed", "t.A#new": "failed" }));
    m.add(run("3", { "t.A#a": "failed", "t.A#b": "passed", "t.A#new": "passed" }));
    m.add(run("4", { "t.A#a": "passed", "t.A#b": "passed", "t.A#new": "passed" }));
    const a = m.get("t.A.a")!;
    expect(a).toMatchObject({
      runs: 4,
      failures: 2,
      lastFailRun: 2,
      lastFailed: false,
      streak: 0,
      signs: { longStreaks: 1, blips: 0 },
    });
    expect([a.afterFailFailed, a.afterFailPassed]).toEqual([1, 1]);
    expect(m.global).toMatchObject({ runs: 4, observations: 11, failures: 3, newTests: 1, newTestsFailedFirst: 1 });
    expect(m.get("t.A.b")!.failures).toBe(0);
    expect(m.get("missing.T.x")).toBeUndefined();
  });

  it("weights failures by recency with the half-life", () => {
    const m = new HistoryModel({ halfLifeRuns: 1 });
    m.add(run("1", { "t.A#a": "failed" }));
    m.add(run("2", { "t.A#a": "passed" }));
    m.add(run("3", { "t.A#a": "passed" }));
    const d = m.decayed(m.get("t.A.a")!);
    expect(d.failures).toBeCloseTo(0.25);
    expect(d.runs).toBeCloseTo(1.75);
    expect(() => new HistoryModel({ halfLifeRuns: 0 })).toThrow(RangeError);
  });

  it("records flaky evidence: fail-and-pass in one run, and one-run blips between passes", () => {
    const m = new HistoryModel();
    m.add(run("r1", { "t.A#f": "passed" }));
    m.add(run("r2", { "t.A#f": "failed" }));
    m.add(run("r3", { "t.A#f": "passed" }));
    m.add(run("r4", { "t.A#f": "retried" }));
    const f = m.get("t.A.f")!.signs;
    expect(f.blips).toBe(1);
    expect(f.mixedRuns).toBe(1);
    expect(f.flakyEvidence).toEqual(["r2: failed once between passing runs", "r4: failed and passed in the same run"]);
  });
});
