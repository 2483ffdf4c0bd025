import { describe, expect, it } from "vitest";
import { judge, judgeSettings, pText } from "./judge.js";

/** Deterministic pseudo-random numbers (a linear congruential generator), so tests are stable. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

/** `n` latencies around `center` ms with ±30 % spread. */
function latencies(n: number, center: number, seed: number): number[] {
  const r = lcg(seed);
  return Array.from({ length: n }, () => center * (0.7 + 0.6 * r()));
}

describe("judge", () => {
  it("flags a canary 200 ms slower, explaining the ratio and p", () => {
    const [lat, err] = judge(
      { latenciesMs: latencies(200, 210, 1), errors: 0 },
      { latenciesMs: latencies(200, 10, 2), errors: 0 },
    );
    expect(lat?.status).toBe("fail");
    expect(lat?.explanation).toMatch(
      /^(median|p99) latency \d+\.\d× baseline \(\d+ ms vs \d+(\.\d)? ms\), p < 0\.001$/,
    );
    expect(lat?.stats?.rankBiserial).toBeGreaterThan(0.9);
    expect(err?.status).toBe("pass");
  });

  it("flags a canary answering 5 % errors against a clean baseline", () => {
    const [, err] = judge(
      { latenciesMs: latencies(1000, 10, 3), errors: 50 },
      { latenciesMs: latencies(1000, 10, 4), errors: 1 },
    );
    expect(err?.status).toBe("fail");
    expect(err?.explanation).toBe("error rate 5 % vs 0.1 % baseline, p < 0.001");
    expect(err?.stats?.test).toBe("two-proportion-z");
  });

  it("passes two samples of the same distribution", () => {
    const results = judge(
      { latenciesMs: latencies(500, 20, 5), errors: 2 },
      { latenciesMs: latencies(500, 20, 6), errors: 3 },
    );
    expect(results.map((r) => r.status)).toEqual(["pass", "pass"]);
  });

  it("does not flag a significant but tiny latency difference", () => {
    const [lat] = judge(
      { latenciesMs: latencies(2000, 1.5, 7), errors: 0 },
      { latenciesMs: latencies(2000, 1, 8), errors: 0 },
    );
    expect(lat?.stats?.p).toBeLessThan(0.001);
    expect(lat?.status).toBe("pass");
  });

  it("does not flag a large but insignificant difference", () => {
    const [, err] = judge(
      { latenciesMs: latencies(30, 10, 9), errors: 1 },
      { latenciesMs: latencies(30, 10, 10), errors: 0 },
    );
    expect(err?.stats?.test).toBe("fisher-exact");
    expect(err?.status).toBe("pass");
  });

  it("is inconclusive with too few samples", () => {
    const [lat, err] = judge(
      { latenciesMs: latencies(5, 10, 11), errors: 0 },
      { latenciesMs: latencies(50, 10, 12), errors: 0 },
    );
    expect(lat?.status).toBe("inconclusive");
    expect(lat?.explanation).toBe("too few requests to judge latency (canary 5, baseline 50; need 20 each)");
    expect(err?.status).toBe("inconclusive");
  });

  it("honours alpha, minEffect and minSamples", () => {
    const canary = { latenciesMs: latencies(40, 30, 13), errors: 0 };
    const baseline = { latenciesMs: latencies(40, 20, 14), errors: 0 };
    expect(judge(canary, baseline)[0]?.status).toBe("fail");
    expect(judge(canary, baseline)[0]?.stats?.p).toBeGreaterThan(1e-30);
    expect(judge(canary, baseline, { minEffect: 2 })[0]?.status).toBe("pass");
    expect(judge(canary, baseline, { minSamples: 50 })[0]?.status).toBe("inconclusive");
    expect(judge(canary, baseline, { alpha: 1e-30 })[0]?.status).toBe("pass");
  });

  it("judges latency on the requests that did not fail: a baseline failing fast does not make a fix look slow", () => {
    const fixed = Array.from({ length: 100 }, (_, i) => 20 + (i % 7));
    // the broken baseline answers half its requests with an instant 500
    const broken = Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : 20 + (i % 7)));
    const brokenOk = broken.filter((_, i) => i % 2 === 0);
    const canary = { latenciesMs: fixed, okLatenciesMs: fixed, errors: 0 };
    expect(judge(canary, { latenciesMs: broken, errors: 50 })[0]?.status).toBe("fail");
    const [latency, errors] = judge(canary, { latenciesMs: broken, okLatenciesMs: brokenOk, errors: 50 });
    expect(latency?.status).toBe("pass");
    expect(errors?.status).toBe("pass");
  });

  it("does not call a fix slower for answering, slowly, the requests the baseline failed", () => {
    // baseline: fast routes fine, the slow route times out (failed); canary: the slow route now answers in ~150 ms
    const fast = Array.from({ length: 90 }, (_, i) => 5 + (i % 4));
    const baseline = { latenciesMs: [...fast, ...Array(10).fill(50)], okLatenciesMs: fast, errors: 10 };
    const fixedAll = [...fast, ...Array.from({ length: 10 }, (_, i) => 140 + i)];
    const canary = { latenciesMs: fixedAll, okLatenciesMs: fixedAll, errors: 0 };
    expect(judge(canary, baseline).map((r) => r.status)).toEqual(["pass", "pass"]);
    // but a canary slower on every request still fails
    const slower = fast.map((v) => v + 40);
    const slow = { latenciesMs: slower, okLatenciesMs: slower, errors: 0 };
    expect(judge(slow, { latenciesMs: fast, okLatenciesMs: fast, errors: 0 })[0]?.status).toBe("fail");
  });

  it("fills in defaults, also for options present but undefined", () => {
    expect(judgeSettings({ alpha: undefined, minEffect: 2 })).toEqual({
      alpha: 0.01,
      minEffect: 2,
      minSamples: 20,
      minLatencyDeltaMs: 5,
    });
  });

  it("formats p-values", () => {
    expect(pText(0.0021)).toBe("p = 0.0021");
    expect(pText(0.41234)).toBe("p = 0.41");
    expect(pText(0.0004)).toBe("p < 0.001");
  });
});
