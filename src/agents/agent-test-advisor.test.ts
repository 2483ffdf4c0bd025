import { describe, expect, it } from "vitest";
import { serverTestAdvisor } from "./agent-test-advisor.js";
import { testsAdvice } from "./protocol.js";

const request = { step: 1, mode: "prioritize" as const, testFiles: ["t/a.test.js", "t/b.test.js"], repoDir: "/w" };

describe("serverTestAdvisor", () => {
  it("asks for the step's matched files and turns the answer into the runner's advice", async () => {
    const asked: unknown[] = [];
    const advise = serverTestAdvisor(async (step, files) => {
      asked.push({ step, files });
      return {
        run: ["t/b.test.js"],
        skipped: [{ file: "t/a.test.js", detail: "unaffected" }],
        summary: "select: select (change-based selection)",
        flaky: [{ id: "t/b.test.js.x", flaky: true, evidence: "failed and passed on abc" }],
      };
    });
    const advice = await advise(request);
    expect(asked).toEqual([{ step: 1, files: ["t/a.test.js", "t/b.test.js"] }]);
    expect(advice.run).toEqual(["t/b.test.js"]);
    expect(advice.skipped).toEqual([{ file: "t/a.test.js", detail: "unaffected" }]);
    expect(advice.flaky.get("t/b.test.js.x")).toEqual({ flaky: true, evidence: "failed and passed on abc" });
  });

  it("refuses an answer naming a file the step did not match", async () => {
    const advise = serverTestAdvisor(async () => ({ run: ["../../etc/passwd"], skipped: [], summary: "", flaky: [] }));
    await expect(advise(request)).rejects.toThrow(
      /names '..\/..\/etc\/passwd', which is not one of the step's test files/,
    );
  });

  it("the protocol refuses a file name with a control character", () => {
    const bad = testsAdvice.safeParse({ run: ["a\nb.test.js"], skipped: [], summary: "", flaky: [] });
    expect(bad.success).toBe(false);
  });
});
