/**
 * runAnalysis over the real built-in router and real HTTP backends. The loop's wait is replaced
 * by a function that sends a batch of requests through the router, so each interval holds a
 * known amount of real traffic and no test depends on timing.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createBuiltinRouter } from "../routers/builtin/builtin-router.js";
import type { TrafficRouter } from "../routers/traffic-router.js";
import type { AnalysisContext, AnalysisSpec, Measurement } from "./analysis.js";
import { runAnalysis } from "./run-analysis.js";

/** How a backend answers; changed by tests between runs. */
interface Behaviour {
  failEvery?: number;
  delayMs?: number;
}

const servers: Server[] = [];
async function backend(behaviour: Behaviour): Promise<string> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    const status = behaviour.failEvery && ++n % behaviour.failEvery === 0 ? 500 : 200;
    setTimeout(() => res.writeHead(status).end("ok"), behaviour.delayMs ?? 0);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Sends `n` GETs to `url`, 4 at a time. */
async function send(url: string, n: number): Promise<void> {
  let left = n;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (left-- > 0) await (await fetch(url)).arrayBuffer();
    }),
  );
}

const canary: Behaviour = {};
const baseline: Behaviour = {};
let router: TrafficRouter;

beforeAll(async () => {
  router = createBuiltinRouter();
  const [c, b] = [await backend(canary), await backend(baseline)];
  await router.setBackends("prod", [
    { releaseId: "canary", weight: 50, upstreams: [c] },
    { releaseId: "baseline", weight: 50, upstreams: [b] },
  ]);
});
afterEach(() => {
  for (const b of [canary, baseline]) {
    b.failEvery = undefined;
    b.delayMs = undefined;
  }
});
afterAll(async () => {
  await router.close();
  for (const s of servers) s.close();
});

const spec = (over: Partial<AnalysisSpec> = {}): AnalysisSpec => ({
  checks: [{ name: "success-rate", metric: "success_rate", min: 0.99 }],
  intervalMs: 1000,
  count: 3,
  failureLimit: 1,
  inconclusiveLimit: 1,
  ...over,
});

const ctx = (over: Partial<AnalysisContext> = {}): AnalysisContext => ({
  service: "shop",
  environment: "prod",
  canaryReleaseId: "canary",
  baselineReleaseId: "baseline",
  router,
  sleep: () => send(router.url("prod"), 80),
  ...over,
});

describe("runAnalysis", () => {
  it("passes a good canary, awaiting onMeasurement before the next interval", async () => {
    const log: string[] = [];
    const result = await runAnalysis(
      spec({ checks: [...spec().checks, { name: "p99", metric: "latency_p99", max: 5000 }] }),
      ctx({
        sleep: async () => {
          log.push("wait");
          await send(router.url("prod"), 160);
        },
        onMeasurement: async (m) => {
          await new Promise((r) => setImmediate(r));
          log.push(`measured ${m.status}`);
        },
      }),
    );
    expect(result.verdict).toBe("pass");
    expect(result.measurements).toHaveLength(3);
    // 80 canary requests without an error do not yet rule out a 2-point error-rate rise: inconclusive
    expect(log).toEqual(["wait", "measured inconclusive", "wait", "measured pass", "wait", "measured pass"]);
    const names = result.measurements[2]?.results.map((r) => r.name);
    expect(names).toEqual(["success-rate", "p99", "judge-latency", "judge-errors"]);
    expect(result.measurements[2]?.results.find((r) => r.name === "judge-latency")?.stats?.canarySamples).toBe(240);
  });

  it("fails at the failure limit, explaining the failing check", async () => {
    canary.failEvery = 10;
    const result = await runAnalysis(spec({ count: 5, failureLimit: 2 }), ctx({ baselineReleaseId: undefined }));
    expect(result.verdict).toBe("fail");
    expect(result.measurements.map((m) => m.status)).toEqual(["fail", "fail"]);
    expect(result.explanation).toMatch(/^success-rate: success rate 0\.9\d* < min 0\.99$/);
  });

  it("lets the judge flag a slower canary without any threshold", async () => {
    canary.delayMs = 40;
    const result = await runAnalysis(spec({ checks: [], judge: { minSamples: 30 } }), ctx());
    expect(result.verdict).toBe("fail");
    expect(result.explanation).toMatch(
      /^judge-latency: (median|p99) latency \d+\.\d× baseline \(\d+ ms vs [\d.]+ ms\), p/,
    );
  });

  it("extends an inconclusive analysis by up to inconclusiveLimit measurements, passing once it has enough data", async () => {
    const result = await runAnalysis(
      spec({ count: 1, inconclusiveLimit: 3 }),
      ctx({ sleep: () => send(router.url("prod"), 160) }),
    );
    expect(result.verdict).toBe("pass");
    expect(result.measurements.map((m) => m.status)).toEqual(["inconclusive", "pass"]);
  });

  it("stops early on a clear failure, before the planned count", async () => {
    canary.delayMs = 40;
    const result = await runAnalysis(spec({ checks: [], count: 10 }), ctx());
    expect(result.verdict).toBe("fail");
    expect(result.measurements.length).toBeLessThan(10);
  });

  it("does not judge the requests of the warm-up", async () => {
    const waits: number[] = [];
    const result = await runAnalysis(
      spec({ checks: [], count: 1, judge: { warmupMs: 5_000 } }),
      ctx({
        trafficSince: Date.now(),
        sleep: async (ms) => {
          waits.push(ms);
          await send(router.url("prod"), 160);
        },
      }),
    );
    expect(waits[0]).toBeGreaterThan(4_000);
    expect(waits.slice(1)).toEqual([1000]);
    expect(result.measurements[0]?.results[0]?.stats?.canarySamples).toBe(80);
  });

  it("is inconclusive at the inconclusive limit when the canary gets no traffic", async () => {
    const result = await runAnalysis(spec({ inconclusiveLimit: 2 }), ctx({ sleep: async () => {} }));
    expect(result.verdict).toBe("inconclusive");
    expect(result.measurements).toHaveLength(4);
    expect(result.explanation).toBe(
      "inconclusive: success-rate: success rate: no request reached release canary since the last measurement",
    );
  });

  it("stops with inconclusive when aborted", async () => {
    const abort = new AbortController();
    const seen: Measurement[] = [];
    let waits = 0;
    const result = await runAnalysis(
      spec({ count: 5 }),
      ctx({
        signal: abort.signal,
        onMeasurement: (m) => void seen.push(m),
        sleep: async (_ms, signal) => {
          if (++waits === 2) abort.abort();
          signal?.throwIfAborted();
          await send(router.url("prod"), 40);
        },
      }),
    );
    expect(result.verdict).toBe("inconclusive");
    expect(result.explanation).toBe("analysis aborted after 1 of 5 measurements");
    expect(seen).toHaveLength(1);
  });

  it("skips the judge without a baseline or when disabled", async () => {
    const first = await runAnalysis(spec({ count: 1 }), ctx({ baselineReleaseId: undefined }));
    expect(first.measurements[0]?.results.map((r) => r.name)).toEqual(["success-rate"]);
    const off = await runAnalysis(spec({ count: 1, judge: false }), ctx());
    expect(off.measurements[0]?.results.map((r) => r.name)).toEqual(["success-rate"]);
    const none = await runAnalysis(spec({ count: 1, checks: [] }), ctx({ baselineReleaseId: undefined }));
    expect(none.verdict).toBe("pass");
    expect(none.explanation).toMatch(/nothing to check/);
  });
});
