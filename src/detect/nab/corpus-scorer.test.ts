import { describe, expect, it } from "vitest";
import { optimizeThreshold, scoreDetector } from "./corpus-scorer.js";
import { scaledSigmoid } from "./scaled-sigmoid.js";
import type { ScoredFile } from "./types.js";

const PROFILES = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
};
const MIN = 60_000;
const ts = (n: number) => Array.from({ length: n }, (_, i) => i * MIN);

/** Two 100-row files; file a has a window over rows 50..53, file b over rows 20..23 and 70..73. */
function corpus(scoresA: number[], scoresB: number[]): ScoredFile[] {
  return [
    { name: "c/a.csv", timestamps: ts(100), scores: scoresA, windows: [{ start: 50 * MIN, end: 53 * MIN }] },
    {
      name: "c/b.csv",
      timestamps: ts(100),
      scores: scoresB,
      windows: [
        { start: 20 * MIN, end: 23 * MIN },
        { start: 70 * MIN, end: 73 * MIN },
      ],
    },
  ];
}
const zeros = () => new Array(100).fill(0);
const at = (...hits: [number, number][]) => {
  const z = zeros();
  for (const [i, v] of hits) z[i] = v;
  return z;
};

describe("scoreDetector", () => {
  it("scores the null detector 0 and one alert at each window's left edge 100, in every profile", () => {
    for (const r of scoreDetector(corpus(new Array(100).fill(0.5), new Array(100).fill(0.5)), PROFILES)) {
      expect(r.normalized).toBeCloseTo(0, 12);
      expect(r.raw).toBe(-3 * PROFILES[r.profile as keyof typeof PROFILES].fnWeight);
    }
    for (const r of scoreDetector(corpus(at([50, 1]), at([20, 1], [70, 1])), PROFILES)) {
      expect(r.normalized).toBeCloseTo(100, 12);
      expect(r.threshold).toBe(1);
    }
  });

  it("normalises a partly right detector by hand: one window missed, one late hit, one false positive", () => {
    // a: hit at row 52 (relative −2/4); b: miss the first window, hit 70 (left edge), FP at row 75.
    const files = corpus(at([52, 0.9]), at([70, 0.9], [75, 0.9]));
    const [standard] = scoreDetector(files, { standard: PROFILES.standard });
    const late = scaledSigmoid(-2 / 4) / scaledSigmoid(-1);
    const fp = scaledSigmoid(2 / 3) * 0.11; // row 75 is 2 rows past a window of width 4
    const raw = late + 1 - 1 + fp;
    expect(standard!.raw).toBeCloseTo(raw, 12);
    expect(standard!.normalized).toBeCloseTo((100 * (raw + 3)) / (3 + 3), 12);
    expect(standard!.files.map((f) => f.name)).toEqual(["c/a.csv", "c/b.csv"]);
  });

  it("optimises one threshold over the whole corpus", () => {
    // Scores 0.9 are all hits; 0.6 adds four false positives before any window: 0.9 wins.
    const files = corpus(at([50, 0.9], [0, 0.6], [1, 0.6]), at([20, 0.9], [70, 0.9], [0, 0.6], [1, 0.6]));
    expect(optimizeThreshold(files, PROFILES.standard, 0)).toEqual({ threshold: 0.9, score: 3 });
  });
});
