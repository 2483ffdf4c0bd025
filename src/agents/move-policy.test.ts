import { describe, expect, it } from "vitest";
import { failureOf, MIN_FAILURES, MovePolicy } from "./move-policy.js";

describe("MovePolicy", () => {
  it("never moves after one failed call, however long it took", () => {
    const p = new MovePolicy(() => 1000);
    expect(p.failed("unanswered", 0, 60_000)).toBe(false);
    const q = new MovePolicy(() => 1000);
    expect(q.failed("down", 0, 1)).toBe(false);
  });

  it("moves after consecutive refused connections at once", () => {
    const p = new MovePolicy(() => 60_000);
    expect(p.failed("down", 0, 5)).toBe(false);
    expect(p.failed("down", 10, 15)).toBe(true);
    expect(MIN_FAILURES).toBe(2);
  });

  it("moves on timeouts only once every call failed for the sustain time", () => {
    const p = new MovePolicy(() => 1000);
    expect(p.failed("unanswered", 0, 200)).toBe(false);
    expect(p.failed("unanswered", 300, 500)).toBe(false);
    expect(p.failed("unanswered", 600, 999)).toBe(false);
    expect(p.failed("unanswered", 900, 1000)).toBe(true);
  });

  it("forgets the failures when the server answers", () => {
    const p = new MovePolicy(() => 1000);
    expect(p.failed("down", 0, 5)).toBe(false);
    p.answered(10);
    expect(p.failed("down", 20, 25)).toBe(false);
    expect(p.failed("unanswered", 30, 500)).toBe(false);
    expect(p.failed("down", 40, 501)).toBe(true);
  });

  it("ignores a call sent before the last answer failing late (a slow call to a live server)", () => {
    const p = new MovePolicy(() => 1000);
    p.answered(500);
    expect(p.failed("unanswered", 0, 5000)).toBe(false);
    expect(p.failed("unanswered", 100, 6000)).toBe(false);
    expect(p.failed("unanswered", 600, 6001)).toBe(false);
  });

  it("starts afresh on the server it moved to", () => {
    const p = new MovePolicy(() => 1000);
    p.failed("down", 0, 1);
    expect(p.failed("down", 2, 3)).toBe(true);
    p.moved(4);
    expect(p.failed("down", 5, 6)).toBe(false);
  });
});

describe("failureOf", () => {
  it("calls a refused connection (wrapped by fetch) down, anything else unanswered", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(failureOf(new TypeError("fetch failed", { cause: refused }))).toBe("down");
    expect(failureOf(new DOMException("The operation timed out.", "TimeoutError"))).toBe("unanswered");
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(failureOf(new TypeError("fetch failed", { cause: reset }))).toBe("unanswered");
    expect(failureOf("not an error")).toBe("unanswered");
  });
});
