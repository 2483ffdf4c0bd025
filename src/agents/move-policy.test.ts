import { describe, expect, it } from "vitest";
import { heartbeatDelayMs, heartbeatTimeoutMs, moveSilenceMs } from "./lease-timing.js";
import { failureOf, MIN_FAILURES, MovePolicy } from "./move-policy.js";

describe("MovePolicy", () => {
  it("does not move after one failed call while the server answered within the sustain time", () => {
    const p = new MovePolicy(() => 1000);
    p.answered(0);
    expect(p.failed("unanswered", 100, 999)).toBe(false);
    expect(p.failed("down", 200, 999)).toBe(false);
  });

  it("moves on one failed call once the server has answered nothing for the sustain time", () => {
    const p = new MovePolicy(() => 1000);
    p.answered(0);
    expect(p.failed("unanswered", 500, 1000)).toBe(true);
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
    expect(p.failed("unanswered", 600, 1400)).toBe(false);
  });

  it("starts afresh on the server it moved to", () => {
    const p = new MovePolicy(() => 1000);
    p.failed("down", 0, 1);
    expect(p.failed("down", 2, 3)).toBe(true);
    p.moved(4);
    expect(p.failed("down", 5, 6)).toBe(false);
  });
});

/**
 * The invariant of lease-timing.ts: a replica vanishing right after answering a heartbeat sent at
 * 0, the agent moves and heartbeats the next replica strictly before the lease ends, whether the
 * dead replica refuses connections, lets them time out (10 s connect timeout) or hangs.
 */
describe("moving before the agent lease ends", () => {
  const CONNECT_TIMEOUT_MS = 10_000;
  /** When a heartbeat sent at `sentAt` to the dead replica fails, and how. */
  const deaths = {
    refused: (sentAt: number, _leaseMs: number) => ({ at: sentAt + 1, kind: "down" as const }),
    "connect timeout": (sentAt: number, _leaseMs: number) => ({
      at: sentAt + CONNECT_TIMEOUT_MS,
      kind: "unanswered" as const,
    }),
    hung: (sentAt: number, leaseMs: number) => ({
      at: sentAt + heartbeatTimeoutMs(leaseMs),
      kind: "unanswered" as const,
    }),
  };

  for (const [name, death] of Object.entries(deaths))
    for (const leaseMs of [30_000, 60_000])
      it(`${name}, lease ${leaseMs / 1000} s`, () => {
        const p = new MovePolicy(() => moveSilenceMs(leaseMs));
        p.answered(0);
        let now = 0;
        let lastFailed = false;
        let movedAt: number | undefined;
        while (movedAt === undefined && now < leaseMs) {
          const sentAt = now + heartbeatDelayMs(leaseMs, lastFailed);
          const failure = death(sentAt, leaseMs);
          now = failure.at;
          lastFailed = true;
          if (p.failed(failure.kind, sentAt, now)) movedAt = now;
        }
        expect(movedAt).toBeDefined();
        const reachedNext = (movedAt ?? 0) + heartbeatDelayMs(leaseMs, true);
        expect(reachedNext).toBeLessThan(leaseMs);
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
