import { describe, expect, it } from "vitest";
import { type CorrelationItem, correlate } from "./correlate.js";

const run = (failed: boolean, attributes: Record<string, string>): CorrelationItem => ({ failed, attributes });

describe("correlate", () => {
  it("names the agent a job fails on, with its counts and p-value", () => {
    const items = [
      ...Array.from({ length: 6 }, () => run(true, { agent: "r2", branch: "main" })),
      ...Array.from({ length: 28 }, (_, i) => run(false, { agent: i % 2 ? "r1" : "r3", branch: "main" })),
      run(true, { agent: "r1", branch: "main" }),
      run(false, { agent: "r2", branch: "main" }),
    ];
    const [top, ...rest] = correlate(items);
    expect(top).toMatchObject({ attribute: "agent", value: "r2", failing: 6, passing: 1 });
    expect(top!.p).toBeLessThan(0.001);
    expect(top!.text).toBe("fails with agent r2: 6 of 7 runs (1 of 29 without)");
    expect(rest).toEqual([]); // branch main: every run has it
  });

  it("reports nothing for failures spread evenly, too few failures, or an attribute no run lacks", () => {
    const even = Array.from({ length: 40 }, (_, i) => run(i % 4 === 0, { author: i % 2 ? "ann" : "bob" }));
    expect(correlate(even)).toEqual([]);
    const few = [
      run(true, { agent: "x" }),
      run(true, { agent: "x" }),
      ...Array.from({ length: 20 }, () => run(false, { agent: "y" })),
    ];
    expect(correlate(few)).toEqual([]); // support 2 < 3
    expect(correlate([])).toEqual([]);
  });

  it("ignores runs where the attribute is unknown when counting the rate without it", () => {
    const items = [
      ...Array.from({ length: 4 }, () => run(true, { dependency: "left-pad 1.3.0" })),
      ...Array.from({ length: 10 }, () => run(false, { dependency: "left-pad 1.2.0" })),
      ...Array.from({ length: 10 }, () => run(true, {})),
    ];
    const [top] = correlate(items);
    expect(top).toMatchObject({ value: "left-pad 1.3.0", failing: 4, passing: 0, rateWithout: 0 });
  });
});
