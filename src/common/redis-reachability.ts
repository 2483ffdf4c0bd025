/**
 * Whether the queue's Redis is reachable, as the BullMQ driver sees it through its connection:
 * one line in the log when it goes away (naming it and what the server does meanwhile) and one
 * when it is back, calls that fail fast while it is away, and the health `/healthz` reports.
 */
import type { Redis } from "ioredis";
import { UnavailableError } from "../../common/errors.js";
import { type DependencyHealth, withDeadline } from "../../common/health.js";
import type { Logger } from "../../common/logger.js";

/** Longest a producer call (enqueue, cancel, stats) waits for Redis before it is refused. */
const CALL_DEADLINE_MS = 3000;
/** Longest `/healthz` waits for Redis's PING answer. */
const PING_DEADLINE_MS = 1000;

/** The reachability of one Redis connection. */
export interface RedisReachability {
  /** Runs `op` if Redis is connected, bounded in time; else rejects with an `UnavailableError`. */
  guard<T>(op: () => Promise<T>): Promise<T>;
  /** Whether the connection is up (false from the outage's first error until Redis is back). */
  up(): boolean;
  /** PINGs Redis (bounded): ok, or what is wrong. */
  health(): Promise<DependencyHealth>;
}

/** Host and port of a Redis URL, without its credentials (for messages). */
export function redisWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "6379"}`;
  } catch {
    return "(unparsable Redis URL)";
  }
}

/** Watches `conn` (the driver's main connection to Redis at `url`). */
export function watchRedis(conn: Redis, url: string, log: Logger): RedisReachability {
  const where = `Redis at ${redisWhere(url)}`;
  let away: { since: number; error: string } | undefined;
  const lost = (error: string) => {
    if (away) {
      away.error = error;
      return;
    }
    away = { since: Date.now(), error };
    log.error(
      `queue: ${where} is unreachable (${error}); no job is taken or queued until it is back, triggered runs wait as queued`,
    );
  };
  conn.on("error", (err: Error) => lost(err.message || err.name));
  conn.on("close", () => lost("connection closed"));
  conn.on("ready", () => {
    if (!away) return;
    log.warn(`queue: ${where} is back after ${Math.round((Date.now() - away.since) / 1000)} s`);
    away = undefined;
  });
  const problem = () =>
    `queue: ${where} unreachable since ${new Date(away?.since ?? Date.now()).toISOString()}: ${away?.error ?? conn.status}`;
  return {
    up: () => away === undefined && conn.status === "ready",
    guard(op) {
      if (conn.status !== "ready") return Promise.reject(new UnavailableError(problem()));
      return withDeadline(op(), CALL_DEADLINE_MS, `queue: ${where}`);
    },
    async health() {
      if (conn.status !== "ready") return { ok: false, error: problem() };
      try {
        await withDeadline(conn.ping(), PING_DEADLINE_MS, `queue: ${where}`);
        return { ok: true };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
