import { describe, expect, it } from "vitest";
import { DetectorRegistry } from "./detector-registry.js";
import { simes } from "./ensemble.js";
import { createSeriesDetector, DEFAULT_WINDOW, EARLY_WARMUP, LEARNING_ALERT_THRESHOLD } from "./series-detector.js";

const STEP = 300_000;
const noise = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453) - 0.5;

describe("createSeriesDetector", () => {
  it("scores 0 while warming up, then scores every sample in [0, 1]", () => {
    const d = createSeriesDetector({ window: 100, warmup: 100 });
    const outs = Array.from({ length: 400 }, (_, i) => d.update(i * STEP, 50 + noise(i)));
    expect(outs.slice(0, 100).every((o) => o.score === 0 && o.explanation.startsWith("learning"))).toBe(true);
    expect(outs.every((o) => o.score >= 0 && o.score <= 1)).toBe(true);
  });

  it("scores after minutes of data by default, alerting only on the clearest anomalies while it learns", () => {
    // the default memory (DEFAULT_WINDOW = 2,880 samples, 12 h of 15-second scrapes); scores from the 61st sample on
    const spike = (at: number, height: number) => {
      const d = createSeriesDetector();
      const values = Array.from({ length: at + 1 }, (_, i) => (i === at ? height : 100 + 3 * noise(i)));
      return values.map((v, i) => d.update(i * STEP, v));
    };
    const outs = spike(250, 400);
    expect(outs.slice(0, EARLY_WARMUP).every((o) => o.score === 0)).toBe(true);
    expect(outs.slice(EARLY_WARMUP, 250).some((o) => o.score > 0)).toBe(true);
    expect(outs.slice(EARLY_WARMUP, 250).some((o) => o.alert)).toBe(false);
    // a value 100 σ away alerts at once; a modest one (score < LEARNING_ALERT_THRESHOLD) only once learnt
    expect(outs[250]!.alert).toBe(true);
    const early = spike(250, 103)[250]!;
    expect(early.alert).toBe(false);
    expect(early.score).toBeGreaterThan(0.5);
    expect(early.score).toBeLessThan(LEARNING_ALERT_THRESHOLD);
    expect(early.explanation).toMatch(/still learning/);
    expect(spike(DEFAULT_WINDOW + 100, 103)[DEFAULT_WINDOW + 100]!.alert).toBe(true);
  });

  it("raises one alert for a level shift and explains it in plain words", () => {
    const d = createSeriesDetector({ window: 200 });
    const values = Array.from({ length: 900 }, (_, i) => (i < 600 ? 100 : 130) + 3 * noise(i));
    const outs = values.map((v, i) => d.update(i * STEP, v));
    const alerts = outs.flatMap((o, i) => (o.alert ? [i] : []));
    expect(alerts[0]).toBe(600);
    expect(alerts.length).toBeLessThanOrEqual(2);
    expect(outs[600]!.explanation).toMatch(/value 1[23]\d(\.\d+)? is .* above/);
    expect(outs[600]!.score).toBeGreaterThan(0.6);
    expect(Math.max(...outs.slice(200, 600).map((o) => o.score))).toBeLessThan(0.5);
  });

  it("suppresses repeats within an episode", () => {
    const d = createSeriesDetector({ window: 200 });
    const values = Array.from({ length: 700 }, (_, i) => 100 + 3 * noise(i));
    values[500] = 200;
    values[503] = 199;
    const outs = values.map((v, i) => d.update(i * STEP, v));
    expect(outs[500]!.alert).toBe(true);
    expect(outs[503]!.alert).toBe(false);
    expect(outs[503]!.score).toBeLessThan(outs[503]!.features!.raw!);
  });
});

describe("simes", () => {
  it("is min over j of m·p(j)/j", () => {
    expect(simes([0.01, 0.02, 0.5])).toBeCloseTo(0.03, 12);
    expect(simes([0.001, 0.5])).toBeCloseTo(0.002, 12);
    expect(simes([])).toBe(1);
  });
});

describe("DetectorRegistry", () => {
  it("keeps one detector per series and evicts the least recently used", () => {
    const reg = new DetectorRegistry({ maxSeries: 2, detector: { window: 32 } });
    reg.update("a", 0, 1);
    reg.update("b", 0, 1);
    reg.update("a", STEP, 1);
    reg.update("c", 0, 1);
    expect([reg.has("a"), reg.has("b"), reg.has("c"), reg.size]).toEqual([true, false, true, 2]);
    expect(reg.update("b", STEP, 1).explanation).toBe("learning (1/32 samples)");
  });
});
