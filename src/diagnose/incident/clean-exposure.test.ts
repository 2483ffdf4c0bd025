import { describe, expect, it } from "vitest";
import { blameAwaitsErrors, CLEARED_EXPECTED, cleanExposure } from "./clean-exposure.js";

describe("a release's clean time weighed against the error's rate", () => {
  const live = { at: 0 };
  const episode = (at: number, last: number, occurrences: number) => ({ at, last, occurrences });

  it("clears a release that served long enough for the error to have shown at its conservative rate", () => {
    // 20 s clean; 20 errors in 4 s since: (20 - 2·√20) / 4 s ≈ 2.8/s → ≈ 55 expected in those 20 s
    expect(cleanExposure(live, episode(20_000, 24_000, 20))).toEqual({ verdict: "cleared", ms: 20_000, expected: 55 });
  });

  it("cannot tell while the count is too small for its conservative rate, though its rate would clear it", () => {
    // the same 20 s clean and the same rate so far, but 3 errors in 0.5 s: 3 − 2·√3 < 0
    expect(cleanExposure(live, episode(20_000, 20_500, 3))).toEqual({
      verdict: "too few to tell",
      ms: 20_000,
      errors: 3,
    });
    // a single error has no rate at all
    expect(cleanExposure(live, episode(20_000, 20_000, 1))).toEqual({
      verdict: "too few to tell",
      ms: 20_000,
      errors: 1,
    });
  });

  it("lets the count blame a release whose clean time is short for the rate, or that never served clean", () => {
    // 2 s clean, the error 3 times a second since: ≈ 6 expected at face value, not past CLEARED_EXPECTED
    expect((3 * 2_000) / 1_000).toBeLessThan(CLEARED_EXPECTED);
    expect(cleanExposure(live, episode(2_000, 3_000, 3))).toBeUndefined();
    expect(cleanExposure(live, episode(2_000, 12_000, 30))).toBeUndefined();
    // the error began before it was fully live (with its canary's first requests)
    expect(cleanExposure({ at: 5_000 }, episode(4_000, 4_000, 1))).toBeUndefined();
  });

  it("marks only a likely blame that rests on too few errors as awaiting them", () => {
    const release = (data: Record<string, unknown>, confidence = 0.95) => ({
      kind: "deploy_regression" as const,
      confidence,
      explanation: "",
      evidence: [{ kind: "release" as const, summary: "", data }],
    });
    expect(blameAwaitsErrors(release({ release: "4", tooFewErrors: { errors: 3, cleanMs: 20_000 } }))).toBe(true);
    expect(blameAwaitsErrors(release({ release: "4" }))).toBe(false);
    expect(blameAwaitsErrors(release({ release: "4", tooFewErrors: { errors: 3, cleanMs: 20_000 } }, 0.2))).toBe(false);
  });
});
