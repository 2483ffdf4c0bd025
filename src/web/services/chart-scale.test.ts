import { describe, expect, it } from "vitest";
import { type Frame, linePath, niceMax, parsePoints, place } from "./chart-scale.js";

describe("chart scaling", () => {
  const frame: Frame = { from: 1000, to: 1100, width: 200, height: 50, max: 10, gap: 25 };

  it("parses Prometheus points, leaving out NaN and infinities", () => {
    expect(
      parsePoints([
        [1, "0.5"],
        [2, "NaN"],
        [3, "+Inf"],
        [4, "2"],
      ]),
    ).toEqual([
      { t: 1, v: 0.5 },
      { t: 4, v: 2 },
    ]);
  });

  it("rounds the top of the scale up to 1, 2 or 5 × 10^k", () => {
    expect([0, -1, Number.NaN, 0.03, 0.1, 0.11, 3, 7.2, 10, 101].map(niceMax)).toEqual([
      1, 1, 1, 0.05, 0.1, 0.2, 5, 10, 10, 200,
    ]);
  });

  it("maps time to x and value to y (upside down), clamping to the frame", () => {
    expect(place({ t: 1000, v: 0 }, frame)).toEqual([0, 50]);
    expect(place({ t: 1100, v: 10 }, frame)).toEqual([200, 0]);
    expect(place({ t: 1050, v: 2.5 }, frame)).toEqual([100, 37.5]);
    expect(place({ t: 1050, v: 99 }, frame)).toEqual([100, 0]);
    expect(place({ t: 1050, v: -1 }, frame)).toEqual([100, 50]);
  });

  it("draws one line, broken where points are further apart than the gap", () => {
    const points = [1000, 1015, 1030, 1070, 1085].map((t) => ({ t, v: 5 }));
    expect(linePath(points, frame)).toBe("M0 25L30 25L60 25M140 25L170 25");
    expect(linePath([], frame)).toBe("");
  });
});
