import { describe, expect, it } from "vitest";
import { pairedBootstrap } from "./paired-bootstrap.js";

describe("paired bootstrap", () => {
  it("finds a consistent improvement significant and a coin-flip one not, reproducibly", () => {
    const inc = Array.from({ length: 40 }, (_, i) => 0.5 + (i % 7) / 20);
    const better = inc.map((x, i) => x + 0.05 + (i % 3) / 100);
    const sure = pairedBootstrap(better, inc, { higherIsBetter: true, seed: 7 });
    expect(sure.meanDelta).toBeGreaterThan(0.05);
    expect(sure.pNotBetter).toBe(0);
    expect(sure.low).toBeGreaterThan(0);
    const noisy = inc.map((x, i) => x + (i % 2 === 0 ? 0.1 : -0.1));
    const coin = pairedBootstrap(noisy, inc, { higherIsBetter: true, seed: 7 });
    expect(coin.pNotBetter).toBeGreaterThan(0.3);
    expect(pairedBootstrap(noisy, inc, { higherIsBetter: true, seed: 7 })).toEqual(coin);
  });

  it("orients lower-is-better metrics and rejects unpaired input", () => {
    const r = pairedBootstrap([1, 1, 1], [2, 2, 2], { higherIsBetter: false });
    expect(r.meanDelta).toBe(1);
    expect(() => pairedBootstrap([1], [1, 2], { higherIsBetter: true })).toThrow(/differ in length/);
    expect(pairedBootstrap([], [], { higherIsBetter: true }).pNotBetter).toBe(1);
  });
});
