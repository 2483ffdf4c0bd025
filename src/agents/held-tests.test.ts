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

  it('leaves out flaky ids the protocol cannot carry (a nameless JUnit case\'s ""), so the agent accepts the answer', () => {
    const wire = toWire({
      run: ["t/a.test.js"],
      skipped: [],
      summary: "all",
      flaky: new Map([
        ["", { flaky: true, evidence: "nameless <testcase/>" }],
        ["tab\there", { flaky: true, evidence: "control character" }],
        ["x".repeat(2001), { flaky: true, evidence: "too long" }],
        ["lone\ud800", { flaky: true, evidence: "lone surrogate" }],
        ["t/a.test.js.ok", { flaky: true, evidence: "kept" }],
      ]),
    });
    expect(wire.flaky.map((f) => f.id)).toEqual(["t/a.test.js.ok"]);
    expect(testsAdvice.safeParse(wire).success).toBe(true);
  });
});
