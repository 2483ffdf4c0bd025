/**
 * Whether a Redis pitcrew uses (the queue's, the bus's) is reachable, as seen through one of its
 * connections: one line in the log when it goes away (naming it and what the server does
 * meanwhile) and one when it is back, calls that fail fast while it is away, and the health
 * `/healthz` reports. A connection closed on purpose (`closing()`) is no outage.
 */
import type { Redis } from "ioredis";
import { UnavailableError } from "./errors.js";
import { type DependencyHealth, sharedProbe, withDeadline } from "./health.js";
import type { Logger } from "./logger.js";

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
  /** PINGs Redis (bounded, one PING per few seconds however often asked): ok, or what is wrong. */
  health(): Promise<DependencyHealth>;
  /** Says the connection is being closed on purpose: its end is not logged as an outage. */
  closing(): void;
}

/** Who uses the watched connection, for the log lines. */
export interface RedisUse {
  /** Prefix of the lines, e.g. "queue". */
  area: string;
  /** What the server does while Redis is away. */
  meanwhile: string;
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

/** Watches `conn` (a connection to Redis at `url`, used for `use`). */
export function watchRedis(conn: Redis, url: string, log: Logger, use: RedisUse): RedisReachability {
  const where = `Redis at ${redisWhere(url)}`;
  let away: { since: number; error: string } | undefined;
  let closing = false;
  const lost = (error: string) => {
    if (closing) return;
    if (away) {
      away.error = error;
      return;
    }
    away = { since: Date.now(), error };
    log.error(`${use.area}: ${where} is unreachable (${error}); ${use.meanwhile}`);
  };
  conn.on("error", (err: Error) => lost(err.message || err.name));
  conn.on("close", () => lost("connection closed"));
  conn.on("ready", () => {
    if (!away) return;
    log.warn(`${use.area}: ${where} is back after ${Math.round((Date.now() - away.since) / 1000)} s`);
    away = undefined;
  });
  const problem = () =>
    `${use.area}: ${where} unreachable since ${new Date(away?.since ?? Date.now()).toISOString()}: ${away?.error ?? conn.status}`;
  const ping = sharedProbe(async () => {
    try {
      await withDeadline(conn.ping(), PING_DEADLINE_MS, `${use.area}: ${where}`);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  });
  return {
    up: () => away === undefined && conn.status === "ready",
    closing: () => {
      closing = true;
    },
    guard(op) {
      if (conn.status !== "ready") return Promise.reject(new UnavailableError(problem()));
      return withDeadline(op(), CALL_DEADLINE_MS, `${use.area}: ${where}`);
    },
    // a connection known to be down answers at once; a PING is shared and reused a few seconds
    async health() {
      if (conn.status !== "ready") return { ok: false, error: problem() };
      return ping();
    },
  };
}
