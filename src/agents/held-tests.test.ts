import { describe, expect, it } from "vitest";
import { toWire } from "./held-tests.js";
import { testsAdvice } from "./protocol.js";

describe("toWire (the server's test advice as sent to an agent)", () => {
  it("names each file once: duplicates in run dropped, a skipped file also run or skipped twice dropped", () => {
    const wire = toWire({
      run: ["t/b.test.js", "t/a.test.js", "t/b.test.js"],
      skipped: [
        { file: "t/a.test.js", detail: "unaffected" },
        { file: "t/c.test.js", detail: "unaffected" },
        { file: "t/c.test.js", detail: "again" },
      ],
      summary: "select: select (change-based selection)",
      flaky: new Map([["t/b.test.js.x", { flaky: true, evidence: "passed on this commit" }]]),
    });
    expect(wire.run).toEqual(["t/b.test.js", "t/a.test.js"]);
    expect(wire.skipped).toEqual([{ file: "t/c.test.js", detail: "unaffected" }]);
    expect(wire.flaky).toEqual([{ id: "t/b.test.js.x", flaky: true, evidence: "passed on this commit" }]);
    expect(testsAdvice.safeParse(wire).success).toBe(true);
  });
});
