/**
 * Request rate limits (`limits.rate_limit`), built on `@fastify/rate-limit`'s counters (memory,
 * or Redis shared by replicas): one budget per client address on every request, checked before
 * the token is looked up (so guessing tokens is throttled too), and one per API token (per
 * address without a token) on `/api/*` (but the agent protocol, `/api/agent/*`) and the ingest
 * routes, each group with its own budget.
 * A request over a budget gets 429 with `Retry-After` (seconds) and nothing else is done.
 * `callBudgets` applies the same budgets to OTLP/gRPC calls (counted apart from HTTP requests).
 */
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Redis } from "ioredis";
import type { Limits } from "../common/config/limits-schema.js";
import type { Caller } from "./route.js";

type RateLimits = Limits["rate_limit"];
type Check = (
  req: FastifyRequest,
) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number; max?: number }>;
type Limited = FastifyInstance & { createRateLimit(opts: object): Check };

/** Telemetry and webhook routes, which get the `ingest` budget instead of the `api` one. */
const INGEST = /^\/(v1\/|api\/logs\/ingest|api\/alerts\/alertmanager|api\/hooks\/|api\/forge\/webhook)/;

/** Registers the counter store on `f` (Redis at `redisUrl` when `limits.store` is `redis`). No-op when disabled. */
export function registerRateLimiter(f: FastifyInstance, limits: RateLimits, redisUrl: string): void {
  if (!limits.enabled) return;
  const redis =
    limits.store === "redis" ? new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 }) : undefined;
  if (redis) f.addHook("onClose", async () => void (await redis.quit().catch(() => undefined)));
  f.register(rateLimit, {
    global: false,
    timeWindow: limits.window,
    redis,
    nameSpace: limits.redis_prefix,
    // A Redis outage must not take the API down: requests pass while counters are unreachable.
    skipOnError: true,
  });
}

/** Adds the per-address check as an `onRequest` hook (call before the auth hook is installed). */
export function limitPerAddress(f: FastifyInstance, limits: RateLimits): void {
  if (!limits.enabled) return;
  const check = (f as Limited).createRateLimit({
    max: limits.per_address,
    keyGenerator: (req: FastifyRequest) => `addr:${req.ip}`,
  });
  f.addHook("onRequest", async (req, reply) => enforce(await check(req), reply, "client address"));
}

/** Adds the per-token check (after auth): `api` or `ingest` budget, keyed by token id or address. */
export function limitPerCaller(f: FastifyInstance, limits: RateLimits): void {
  if (!limits.enabled) return;
  const groupOf = (req: FastifyRequest) => (INGEST.test(req.url) ? "ingest" : "api");
  const check = (f as Limited).createRateLimit({
    max: (req: FastifyRequest) => (groupOf(req) === "ingest" ? limits.ingest : limits.api),
    keyGenerator: (req: FastifyRequest) => {
      const caller = (req as FastifyRequest & { caller?: Caller }).caller;
      return `${groupOf(req)}:${caller ? `token:${caller.id}` : `addr:${req.ip}`}`;
    },
  });
  f.addHook("onRequest", async (req, reply) => {
    if (!req.url.startsWith("/api/") && !req.url.startsWith("/v1/")) return;
    // The agent protocol's calls follow the jobs an agent runs (bounded by its concurrency), and
    // every agent of a fleet may share one token: only the per-address budget applies to them.
    if (req.url.startsWith("/api/agent/")) return;
    const caller = (req as FastifyRequest & { caller?: Caller }).caller;
    await enforce(await check(req), reply, caller ? `token '${caller.name}'` : "client address");
  });
}

/** The budgets of calls that do not go through Fastify; each answers the seconds to wait when spent, else undefined. */
export interface CallBudgets {
  /** `per_address`: check before the token is looked up. */
  address(address: string): Promise<number | undefined>;
  /** `ingest` per token (`tokenId`), or per address for a call without a token. */
  ingest(address: string, tokenId?: number): Promise<number | undefined>;
}

/**
 * The same budgets for calls outside Fastify's routes (the OTLP/gRPC receiver), in the same
 * counter store (memory, or Redis shared by replicas) but counted apart from HTTP requests: a
 * token may send `ingest` requests and `ingest` gRPC calls per window. Call once `f` is ready;
 * undefined when rate limits are disabled.
 */
export function callBudgets(f: FastifyInstance, limits: RateLimits): CallBudgets | undefined {
  if (!limits.enabled) return undefined;
  const keyed = (max: number) => {
    const check = (f as Limited).createRateLimit({
      max,
      keyGenerator: (req: FastifyRequest & { key: string }) => req.key,
    });
    // the counters read only the key (and a route's options, which a call has none of)
    return async (key: string) => {
      const r = await check({ key, routeOptions: {} } as unknown as FastifyRequest);
      return !r.isAllowed && r.isExceeded ? Math.max(1, r.ttlInSeconds ?? 1) : undefined;
    };
  };
  const perAddress = keyed(limits.per_address);
  const perCaller = keyed(limits.ingest);
  return {
    address: (address) => perAddress(`addr:${address}`),
    ingest: (address, tokenId) => perCaller(`ingest:${tokenId !== undefined ? `token:${tokenId}` : `addr:${address}`}`),
  };
}

async function enforce(
  r: Awaited<ReturnType<Check>>,
  reply: FastifyReply,
  who: string,
): Promise<FastifyReply | undefined> {
  if (r.isAllowed || !r.isExceeded) return undefined;
  const after = Math.max(1, r.ttlInSeconds ?? 1);
  return reply
    .code(429)
    .header("retry-after", String(after))
    .send({
      error: {
        code: "rate_limited",
        message: `too many requests for this ${who} (limit ${r.max} per window, limits.rate_limit); retry after ${after} s`,
      },
    });
}
