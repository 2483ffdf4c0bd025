import { describe, expect, it } from "vitest";
import { adviceWithin } from "./advice-within.js";
import type { TestAdvice } from "./test-advice.js";

const never = () => new Promise<TestAdvice>(() => {});
const advice: TestAdvice = { run: ["a.test.js"], skipped: [], summary: "path order", flaky: new Map() };

describe("adviceWithin (a test step's wait for its advice)", () => {
  it("gives the advice when it comes first", async () => {
    const ac = new AbortController();
    expect(await adviceWithin(Promise.resolve(advice), ac.signal, 10_000)).toBe(advice);
  });

  it("ends as cancelled when the job is cancelled while the advice never comes", async () => {
    const ac = new AbortController();
    const waiting = adviceWithin(never(), ac.signal, undefined);
    ac.abort();
    const r = await waiting;
    expect("stopped" in r && r.stopped).toMatchObject({ cancelled: true, timedOut: false, exitCode: null });
  });

  it("ends as cancelled at once when the job was cancelled before", async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await adviceWithin(never(), ac.signal, undefined);
    expect("stopped" in r && r.stopped.cancelled).toBe(true);
  });

  it("ends as timed out when the step's time runs out first, and ignores the advice's later failure", async () => {
    let fail: (e: Error) => void = () => {};
    const late = new Promise<TestAdvice>((_, reject) => {
      fail = reject;
    });
    const r = await adviceWithin(late, undefined, 20);
    expect("stopped" in r && r.stopped).toMatchObject({ timedOut: true, cancelled: false });
    fail(new Error("server gone")); // no unhandled rejection
  });
});
