import { describe, expect, it } from "vitest";
import type { AnyLearnedModel, Evaluation } from "./learned-model.js";
import { decidePromotion } from "./promotion-decision.js";

const asModel: Pick<AnyLearnedModel, "metrics" | "latencyBudgetMs"> = {
  metrics: [{ name: "accuracy", direction: "higher", description: "" }],
  latencyBudgetMs: 1,
};

const ev = (perItem: number[], classes: string[] = ["a", "b"], latencyMs = 0.1): Evaluation => ({
  metrics: { accuracy: perItem.reduce((x, y) => x + y, 0) / perItem.length },
  perItem,
  classes,
  latencyMs,
});

describe("promotion decision", () => {
  const inc = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 0 : 1));
  const better = inc.map(() => 1);

  it("promotes a significant improvement whose guards pass", () => {
    const d = decidePromotion(asModel, ev(better), ev(inc));
    expect(d.promote).toBe(true);
    expect(d.reason).toMatch(/^promoted: .*accuracy 1\.0000 vs 0\.6667/);
  });

  it("refuses within the noise, on class collapse, over the latency budget and with too few items", () => {
    const slightly = inc.map((x, i) => (i === 0 ? 1 : x));
    expect(decidePromotion(asModel, ev(slightly), ev(inc)).reason).toMatch(/^refused: better only within the noise/);
    expect(decidePromotion(asModel, ev(better, ["a"]), ev(inc)).reason).toMatch(
      /class-collapse \(no longer predicts b\)/,
    );
    expect(decidePromotion(asModel, ev(better, ["a", "b"], 5), ev(inc)).reason).toMatch(/latency/);
    expect(decidePromotion(asModel, ev([1, 1]), ev([0, 0])).reason).toMatch(/enough-items \(2 evaluation units/);
    expect(decidePromotion(asModel, ev(inc.map((x) => 1 - x)), ev(inc)).reason).toMatch(/^refused: not better/);
  });
});
