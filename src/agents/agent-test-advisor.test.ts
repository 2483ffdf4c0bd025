import { describe, expect, it } from "vitest";
import { AgentCallError, MalformedAnswerError } from "./agent-client.js";
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

  it("refuses an answer naming a file twice (in run, or in run and skipped)", async () => {
    const twiceRun = serverTestAdvisor(async () => ({
      run: ["t/a.test.js", "t/a.test.js"],
      skipped: [],
      summary: "",
      flaky: [],
    }));
    await expect(twiceRun(request)).rejects.toThrow(/names 't\/a.test.js' twice/);
    const runAndSkipped = serverTestAdvisor(async () => ({
      run: ["t/b.test.js"],
      skipped: [{ file: "t/b.test.js", detail: "unaffected" }],
      summary: "",
      flaky: [],
    }));
    await expect(runAndSkipped(request)).rejects.toThrow(/names 't\/b.test.js' twice/);
  });

  it("runs every file in path order, saying why, when the call fails for good and not by the agent's fault", async () => {
    for (const err of [new AgentCallError(503, "server busy"), new Error("cannot reach the pitcrew server at x")]) {
      const advice = await serverTestAdvisor(async () => Promise.reject(err))(request);
      expect(advice.run).toEqual(["t/a.test.js", "t/b.test.js"]);
      expect(advice.skipped).toEqual([]);
      expect(advice.flaky.size).toBe(0);
      expect(advice.summary).toBe(`path order (the server's test advice failed: ${err.message})`);
    }
  });

  it("fails the step when the server refuses the call (4xx: the agent's fault)", async () => {
    const refused = serverTestAdvisor(async () =>
      Promise.reject(new AgentCallError(400, "step 0 has no tests: block")),
    );
    await expect(refused(request)).rejects.toThrow(/step 0 has no tests: block/);
  });

  it("the protocol refuses a file name with a control character", () => {
    const bad = testsAdvice.safeParse({ run: ["a\nb.test.js"], skipped: [], summary: "", flaky: [] });
    expect(bad.success).toBe(false);
  });

  it("runs path order, saying why, when the server's answer does not fit the protocol (final, not retried)", async () => {
    const advise = serverTestAdvisor(async () => {
      throw new MalformedAnswerError("malformed test advice answer from http://s: flaky.0.id: Too small");
    });
    const advice = await advise(request);
    expect(advice.run).toEqual(["t/a.test.js", "t/b.test.js"]);
    expect(advice.summary).toMatch(/path order \(the server's test advice failed: malformed test advice answer/);
  });
});
