/**
 * Attack: request floods. Past its budget a token gets 429 with Retry-After on the API while
 * another token is unaffected; ingest routes have their own budget; and a client guessing tokens
 * (a new invalid token per request) is stopped by the per-address budget before any lookup.
 * The server runs with small limits so the test stays short; the defaults are in the config schema.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";
import { isReachable, serviceAvailable } from "../support/services.js";

const redis = await serviceAvailable("Redis at 127.0.0.1:6379", () => isReachable("127.0.0.1", 6379));

describe.skipIf(!HAS_DIST)("rate limits", () => {
  let s: ServeProcess;
  beforeAll(async () => {
    s = await startServe({ limits: { rate_limit: { window: "1m", api: 20, ingest: 30, per_address: 150 } } });
  });
  afterAll(async () => s?.stop());

  it("limits each token on the API: 429 with Retry-After past the budget, other tokens unaffected", async () => {
    const a = (await s.api("POST", "/api/tokens", { body: { name: "a", role: "viewer" } })).body.token;
    const b = (await s.api("POST", "/api/tokens", { body: { name: "b", role: "viewer" } })).body.token;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 25; i++) {
      const res = await s.api("GET", "/api/projects", { token: a });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get("retry-after");
        expect(res.body.error.code).toBe("rate_limited");
      }
    }
    expect(statuses.slice(0, 20).every((c) => c === 200)).toBe(true);
    expect(statuses.slice(20).every((c) => c === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect((await s.api("GET", "/api/projects", { token: b })).status).toBe(200);
  });

  it("gives ingest routes their own budget per token", async () => {
    const op = (await s.api("POST", "/api/tokens", { body: { name: "op", role: "operator" } })).body.token;
    for (let i = 0; i < 20; i++) await s.api("GET", "/api/projects", { token: op });
    expect((await s.api("GET", "/api/projects", { token: op })).status).toBe(429);
    const codes: number[] = [];
    for (let i = 0; i < 32; i++) {
      codes.push((await s.api("POST", "/v1/logs", { token: op, body: { resourceLogs: [] } })).status);
    }
    expect(codes.slice(0, 30).every((c) => c < 300)).toBe(true);
    expect(codes.slice(30)).toEqual([429, 429]);
  });

  it("stops a client guessing tokens by its address, before the tokens are looked up", async () => {
    const codes = new Set<number>();
    let first429 = -1;
    for (let i = 0; i < 160; i++) {
      const res = await s.api("GET", "/api/projects", { token: `pcr_guess${i}` });
      codes.add(res.status);
      if (res.status === 429 && first429 < 0) first429 = i;
    }
    expect(codes).toEqual(new Set([401, 429]));
    expect(first429).toBeGreaterThan(0);
    // Everything from this address is now limited, even with a valid token.
    const res = await s.api("GET", "/api/projects");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe.skipIf(!HAS_DIST || !redis)("rate limits shared by replicas (Redis counters)", () => {
  const limits = {
    rate_limit: { per_address: 30, store: "redis", redis_prefix: `pitcrew-rl-test-${process.pid}-${Date.now()}:` },
  };
  let a: ServeProcess;
  let b: ServeProcess;
  beforeAll(async () => {
    [a, b] = await Promise.all([startServe({ limits }), startServe({ limits })]);
  });
  afterAll(async () => Promise.all([a?.stop(), b?.stop()]));

  it("counts one client address across both servers", async () => {
    // Both servers were polled on /healthz while starting: part of the 30 is spent already.
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push((await a.api("GET", "/api/projects")).status);
    for (let i = 0; i < 20; i++) codes.push((await b.api("GET", "/api/projects")).status);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(10);
    expect(codes.at(-1)).toBe(429);
    const res = await b.api("GET", "/api/projects");
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
