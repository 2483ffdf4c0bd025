import { describe, expect, it } from "vitest";
import { formatFigure, versionFigures } from "./model-figures.js";

describe("a model version's figures", () => {
  it("reads a trained version's gate decision, on the metric the decision names", () => {
    const f = versionFigures(
      {
        metrics: {
          decision: {
            primaryMetric: "apfd",
            candidate: { metrics: { apfd: 0.81 } },
            incumbent: { metrics: { apfd: 0.72 } },
            comparison: { items: 17, meanDelta: 0.09, pNotBetter: 0.012 },
          },
        },
      },
      "other",
    );
    expect(f).toEqual({
      metric: "apfd",
      candidate: 0.81,
      incumbent: 0.72,
      delta: 0.09,
      pNotBetter: 0.012,
      units: 17,
      kind: "gate",
    });
  });

  it("reads an online update's figures on the model's primary metric; null (stored NaN) stays absent", () => {
    const f = versionFigures(
      {
        metrics: {
          online: {
            updated: { metrics: { apfd: null } },
            incumbent: { metrics: { apfd: 0.5 } },
            comparison: { items: 3, meanDelta: -0.1, pNotBetter: 0.9 },
          },
        },
      },
      "apfd",
    );
    expect(f.kind).toBe("online");
    expect(f.candidate).toBeNull();
    expect(f.incumbent).toBe(0.5);
    expect(f.delta).toBe(-0.1);
  });

  it("has no figures for a version without an evaluation, and prints them as dashes", () => {
    const f = versionFigures({ metrics: {} }, "apfd");
    expect(f.kind).toBeNull();
    expect(formatFigure(f.candidate)).toBe("—");
    expect(formatFigure(0.123456)).toBe("0.1235");
  });
});
