import { describe, expect, it } from "vitest";
import { parseJUnit, type TestCase } from "./junit.js";
import { writeJUnit } from "./junit-writer.js";

describe("writeJUnit", () => {
  it("writes cases that parseJUnit reads back unchanged, whatever their text holds", () => {
    const cases: TestCase[] = [
      {
        suite: "s",
        classname: "a/b.test.js",
        name: "quotes \" and <tags> & 'x'",
        file: "a/b.test.js",
        status: "passed",
        durationMs: 12,
      },
      {
        suite: "s",
        classname: "a/b.test.js",
        name: "fails",
        file: "a/b.test.js",
        status: "failed",
        durationMs: 3,
        message: "expected 1 <to be> 2",
        details: "AssertionError: expected 1 <to be> 2\n    at b.test.js:3\u0007",
      },
      { suite: "s", classname: "k", name: "broke", status: "error", durationMs: 0, message: "boom", details: "boom" },
      { suite: "s", classname: "k", name: "later", status: "skipped", durationMs: 0, message: "todo", details: "" },
    ];
    const back = parseJUnit(writeJUnit("s", cases)).cases;
    expect(back).toEqual(
      [
        cases[0],
        { ...cases[1], details: "AssertionError: expected 1 <to be> 2\n    at b.test.js:3\ufffd" },
        cases[2],
        { ...cases[3], details: undefined },
      ].map((c) => JSON.parse(JSON.stringify(c))),
    );
  });
});
