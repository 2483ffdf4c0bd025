import { describe, expect, it } from "vitest";
import { parseJestJson } from "./jest-json.js";
import { MAX_TEST_DURATION_MS } from "./test-duration.js";

describe("parseJestJson", () => {
  it("reads assertion results, and a suite that failed to run as an error", () => {
    const report = {
      testResults: [
        {
          name: "/w/src/a.test.js",
          assertionResults: [
            { ancestorTitles: ["cart"], title: "adds", status: "passed", duration: 4, failureMessages: [] },
            {
              ancestorTitles: [],
              title: "removes",
              status: "failed",
              duration: 2,
              failureMessages: ["Error: no\n  at x"],
            },
            { ancestorTitles: [], title: "later", status: "pending", failureMessages: [] },
            // a hostile report's durations: clamped to a day, negative read as 0
            { ancestorTitles: [], title: "forever", status: "passed", duration: 1e300, failureMessages: [] },
            { ancestorTitles: [], title: "backwards", status: "passed", duration: -5, failureMessages: [] },
          ],
        },
        { name: "/w/src/b.test.js", message: "SyntaxError: Unexpected token", assertionResults: [] },
      ],
    };
    const cases = parseJestJson(JSON.stringify(report));
    expect(cases.map((c) => [c.name, c.status, c.durationMs, c.message])).toEqual([
      ["cart > adds", "passed", 4, undefined],
      ["removes", "failed", 2, "Error: no"],
      ["later", "skipped", 0, undefined],
      ["forever", "passed", MAX_TEST_DURATION_MS, undefined],
      ["backwards", "passed", 0, undefined],
      ["(suite failed to run)", "error", 0, "SyntaxError: Unexpected token"],
    ]);
  });

  it("refuses what is not a jest report, naming the file", () => {
    expect(() => parseJestJson("{", { file: "r.json" })).toThrow(/jest report 'r.json' is not JSON/);
    expect(() => parseJestJson("{}", { file: "r.json" })).toThrow(/jest report 'r.json' has no testResults list/);
  });
});
