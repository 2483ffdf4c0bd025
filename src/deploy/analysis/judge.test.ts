import { describe, expect, it } from "vitest";
import { judge, judgeSettings, pText, wilsonUpper } from "./judge.js";

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
      /^(median|p90) latency \d+\.\d× baseline \(\d+ ms vs \d+(\.\d)? ms\), p < 0\.001$/,
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

  it("does not fail a large but insignificant difference; passes it once the requests rule a rise out", () => {
    const [, err] = judge(
      { latenciesMs: latencies(30, 10, 9), errors: 1 },
      { latenciesMs: latencies(30, 10, 10), errors: 0 },
      { minSamples: 20 },
    );
    expect(err?.stats?.test).toBe("fisher-exact");
    expect(err?.status).toBe("inconclusive");
    expect(err?.explanation).toBe(
      "error rate 3.3 % vs 0 % baseline, p = 0.5; too few requests to rule out a rise (up to 13.6 %)",
    );
    const [, more] = judge(
      { latenciesMs: latencies(400, 10, 9), errors: 1 },
      { latenciesMs: latencies(400, 10, 10), errors: 0 },
    );
    expect(more?.status).toBe("pass");
  });

  it("bounds an error rate from above (one-sided 95 % Wilson)", () => {
    expect(wilsonUpper(0, 135)).toBeCloseTo(0.0196, 3);
    expect(wilsonUpper(5, 100)).toBeCloseTo(0.0987, 3);
    expect(wilsonUpper(10, 10)).toBe(1);
  });

  it("is inconclusive with too few samples", () => {
    const [lat, err] = judge(
      { latenciesMs: latencies(5, 10, 11), errors: 0 },
      { latenciesMs: latencies(50, 10, 12), errors: 0 },
    );
    expect(lat?.status).toBe("inconclusive");
    expect(lat?.explanation).toBe("too few requests to judge latency (canary 5, baseline 50; need 50 each)");
    expect(err?.status).toBe("inconclusive");
  });

  it("honours alpha, minEffect and minSamples", () => {
    const canary = { latenciesMs: latencies(40, 30, 13), errors: 0 };
    const baseline = { latenciesMs: latencies(40, 20, 14), errors: 0 };
    const few = { minSamples: 20 };
    expect(judge(canary, baseline, few)[0]?.status).toBe("fail");
    expect(judge(canary, baseline, few)[0]?.stats?.p).toBeGreaterThan(1e-30);
    expect(judge(canary, baseline, { ...few, minEffect: 2 })[0]?.status).toBe("pass");
    expect(judge(canary, baseline)[0]?.status).toBe("inconclusive");
    // significant at no level this strict: a large effect not significant yet is inconclusive
    expect(judge(canary, baseline, { ...few, alpha: 1e-30 })[0]?.status).toBe("inconclusive");
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
      minSamples: 50,
      minLatencyDeltaMs: 5,
      warmupMs: 10_000,
      baseline: "fresh",
    });
  });

  it("A/A: rarely fails two samples of one skewed distribution (≤ 2 % of 300 pairs)", () => {
    // log-normal latencies around 20 ms with a heavy right tail, as real services have
    const skewed = (n: number, seed: number) => {
      const r = lcg(seed);
      return Array.from({ length: n }, () => {
        const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
        return 20 * Math.exp(0.6 * z);
      });
    };
    let failed = 0;
    for (let i = 0; i < 300; i++) {
      const n = 50 + (i % 5) * 50;
      const results = judge(
        { latenciesMs: skewed(n, 2 * i + 1), errors: 0 },
        { latenciesMs: skewed(n, 2 * i + 2), errors: 0 },
      );
      if (results.some((r) => r.status === "fail")) failed++;
    }
    expect(failed).toBeLessThanOrEqual(6);
  });

  it("does not fail a canary on one slow outlier (the tail is not judged on few requests)", () => {
    const base = latencies(60, 10, 21);
    const canary = [...latencies(59, 10, 22), 900];
    const [lat] = judge({ latenciesMs: canary, errors: 0 }, { latenciesMs: base, errors: 0 });
    expect(lat?.status).toBe("pass");
    expect(lat?.explanation).toMatch(/^median latency/);
  });

  it("judges the p90 once both sides have 100 requests: a slow tail on 20 % of requests fails", () => {
    const base = latencies(300, 10, 23);
    const canary = latencies(300, 10, 24).map((v, i) => (i % 5 === 0 ? v + 200 : v));
    const [lat] = judge({ latenciesMs: canary, errors: 0 }, { latenciesMs: base, errors: 0 });
    expect(lat?.status).toBe("fail");
    expect(lat?.explanation).toMatch(/^p90 latency/);
  });

  it("calls a large error-rate rise that is not significant yet inconclusive, and fails it with more data", () => {
    const early = judge(
      { latenciesMs: latencies(60, 10, 25), errors: 4 },
      { latenciesMs: latencies(60, 10, 26), errors: 0 },
    );
    expect(early[1]?.status).toBe("inconclusive");
    expect(early[1]?.explanation).toMatch(/not significant yet$/);
    const later = judge(
      { latenciesMs: latencies(300, 10, 27), errors: 15 },
      { latenciesMs: latencies(300, 10, 28), errors: 0 },
    );
    expect(later[1]?.status).toBe("fail");
  });

  it("formats p-values", () => {
    expect(pText(0.0021)).toBe("p = 0.0021");
    expect(pText(0.41234)).toBe("p = 0.41");
    expect(pText(0.0004)).toBe("p < 0.001");
  });
});
