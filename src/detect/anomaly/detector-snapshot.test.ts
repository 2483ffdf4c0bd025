import { describe, expect, it } from "vitest";
import { ChangePoint } from "./change-point.js";
import { DetectorRegistry } from "./detector-registry.js";
import { packFloats, SnapshotError, unpackFloats } from "./detector-snapshot.js";
import { RateOfChange } from "./rate-of-change.js";
import { RelativeEntropy } from "./relative-entropy.js";
import { RobustZScore } from "./robust-zscore.js";
import { DAY_MS, SeasonalBaseline, WEEK_MS } from "./seasonal-baseline.js";
import { createSeriesDetector, restoreSeriesDetector, snapshotSeriesDetector } from "./series-detector.js";
import { TailThreshold } from "./tail-threshold.js";
import type { ComponentDetector, ComponentSizes } from "./types.js";

const STEP = 300_000; // 5 minutes
const SIZES: ComponentSizes = { window: 64, history: 512 };
/** Deterministic noise in [-0.5, 0.5). */
const noise = (i: number) => {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return x - Math.floor(x) - 0.5;
};
/** A daily cycle with noise, a level shift at 3,000 and spikes every 997 samples. */
const value = (i: number) =>
  100 +
  20 * Math.sin((2 * Math.PI * i * STEP) / DAY_MS) +
  4 * noise(i) +
  (i >= 3000 ? 15 : 0) +
  (i % 997 === 0 ? 60 : 0);
/** Through JSON, as a stored version is. */
const stored = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

const KINDS: [string, () => ComponentDetector][] = [
  ["robust-zscore", () => new RobustZScore(SIZES)],
  ["change-point", () => new ChangePoint(SIZES)],
  ["tail-threshold", () => new TailThreshold(SIZES)],
  ["relative-entropy", () => new RelativeEntropy(SIZES)],
  ["seasonal-daily", () => new SeasonalBaseline(SIZES, DAY_MS)],
  ["seasonal-weekly", () => new SeasonalBaseline(SIZES, WEEK_MS)],
  ["rate-of-change", () => new RateOfChange(SIZES)],
];

describe("detector snapshots", () => {
  it("packs numbers exactly, NaN and infinities included, and refuses what is not packed", () => {
    const xs = [0, -0, 1 / 3, -1e-300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    expect(unpackFloats(packFloats(xs), "x")).toEqual(xs);
    expect(() => unpackFloats(42, "x")).toThrow(SnapshotError);
    expect(() => unpackFloats("AAA", "x")).toThrow(/bad length/);
  });

  // cut points: while learning, after the windows filled, inside the level shift's episode
  it.each(KINDS)("%s restored from its snapshot scores the continuation exactly like the original", (_n, make) => {
    for (const cut of [40, 700, 3005, 6200]) {
      const original = make();
      for (let i = 0; i < cut; i++) original.update(i * STEP, value(i));
      const restored = make();
      restored.restore(stored(original.snapshot()));
      for (let i = cut; i < cut + 800; i++) {
        expect(restored.update(i * STEP, value(i))).toEqual(original.update(i * STEP, value(i)));
      }
    }
  });

  it("the weekly baseline is ready before the cut, so its phase slots round-trip too", () => {
    const d = new SeasonalBaseline(SIZES, WEEK_MS);
    let ready = false;
    for (let i = 0; i < 6200; i++) ready = d.update(i * STEP, value(i)).ready || ready;
    expect(ready).toBe(true);
  });

  it("a series detector restored from its stored snapshot gives the same scores, alerts and explanations", () => {
    const options = { window: 200 };
    const original = createSeriesDetector(options);
    for (let i = 0; i < 2900; i++) original.update(i * STEP, value(i));
    const restored = restoreSeriesDetector(stored(snapshotSeriesDetector(original)), options);
    const outs = [];
    for (let i = 2900; i < 3600; i++) {
      const o = original.update(i * STEP, value(i));
      expect(restored.update(i * STEP, value(i))).toEqual(o);
      outs.push(o);
    }
    expect(outs.some((o) => o.alert)).toBe(true); // the shift at 3,000 is in the continuation
  });

  it("refuses a snapshot of another format or other settings, and the registry keeps its detector", () => {
    const reg = new DetectorRegistry({ detector: { window: 100 } });
    for (let i = 0; i < 300; i++) reg.update("api/latency", i * STEP, value(i));
    const snap = stored(reg.snapshot("api/latency")!);
    expect(() => restoreSeriesDetector({ ...snap, format: 0 })).toThrow(/snapshot format 0, this version reads 1/);
    expect(() => restoreSeriesDetector(snap, { window: 200 })).toThrow(/saved with settings/);
    const other = new DetectorRegistry({ detector: { window: 200 } });
    expect(() => other.restore([["api/latency", snap]])).toThrow(SnapshotError);
    expect(other.has("api/latency")).toBe(false);
    const damaged = stored(snap);
    damaged.ensemble.components[1]![1].recent = "not packed";
    expect(() =>
      reg.restore([
        ["api/errors", snap],
        ["api/latency", damaged],
      ]),
    ).toThrow(SnapshotError);
    expect(reg.samples("api/latency")).toBe(300);
    expect(reg.has("api/errors")).toBe(false); // all or nothing
    const twin = new DetectorRegistry({ detector: { window: 100 } });
    twin.restore([["api/latency", snap]], "calibration v7");
    expect(twin.samples("api/latency")).toBe(300);
    expect(reg.provenance("api/latency")).toBe("a new detector, 300 samples");
    expect(twin.update("api/latency", 300 * STEP, 500)).toEqual(reg.update("api/latency", 300 * STEP, 500));
    expect(twin.provenance("api/latency")).toBe("calibration v7 + 1 samples");
    expect(twin.provenance("api/other")).toBeUndefined();
  });
});
