/**
 * Canary analysis end to end with real HTTP: two node:http services behind the real built-in
 * router at 50/50, a client loop sending steady traffic through the router, and runAnalysis
 * with real intervals. The statistical judge alone (no thresholds) must fail a canary that
 * answers 5 % 500s, adds 200 ms or refuses connections, and pass a canary identical to its baseline.
 */
import { Agent, createServer, request, type Server } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runAnalysis } from "../../src/deploy/analysis/index.js";
import type { AnalysisSpec } from "../../src/deploy/analysis/index.js";
import { createBuiltinRouter } from "../../src/deploy/routers/builtin/builtin-router.js";
import type { TrafficRouter } from "../../src/deploy/routers/traffic-router.js";

const servers: Server[] = [];
const routers: TrafficRouter[] = [];

/** A service answering 200 (every `failEvery`th answer a 500), after `delayMs`. */
async function service(opts: { failEvery?: number; delayMs?: number } = {}): Promise<string> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    const status = opts.failEvery && ++n % opts.failEvery === 0 ? 500 : 200;
    setTimeout(() => res.writeHead(status, { "content-type": "text/plain" }).end("hello\n"), opts.delayMs ?? 0);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Keeps `concurrency` keep-alive clients busy until `stop()`; records connection failures. */
function clientLoop(url: string, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const failures: string[] = [];
  let running = true;
  const get = () =>
    new Promise<void>((resolve) => {
      const req = request(url, { agent }, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      req.on("error", (err) => {
        failures.push(err.message);
        resolve();
      });
      req.end();
    });
  const workers = Array.from({ length: concurrency }, async () => {
    while (running) await get();
  });
  return {
    failures,
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
    },
  };
}

/** A router splitting `env` between a baseline and a canary service, `canaryWeight` % to the canary. */
async function split(baseline: string, canary: string, canaryWeight: number): Promise<TrafficRouter> {
  const router = createBuiltinRouter();
  routers.push(router);
  await router.setBackends("prod", [
    { releaseId: "v1", weight: 100 - canaryWeight, upstreams: [baseline] },
    { releaseId: "v2", weight: canaryWeight, upstreams: [canary] },
  ]);
  return router;
}

/** The judge only: no thresholds. Up to 10 half-second measurements; one failure fails. */
const judgeOnly: AnalysisSpec = {
  checks: [],
  judge: true,
  intervalMs: 500,
  count: 10,
  failureLimit: 1,
  inconclusiveLimit: 10,
};

/** A loopback address nothing listens on (bound, then closed): connections to it are refused. */
async function refusingAddress(): Promise<string> {
  const server = createTcpServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return `127.0.0.1:${port}`;
}

async function analyse(canary: { failEvery?: number; delayMs?: number }) {
  return analyseAt(await service(canary), { canaryWeight: 50, concurrency: 8 });
}

/** The judge's verdict on the canary at `canary` (a `host:port`) under steady traffic. */
async function analyseAt(canary: string, load: { canaryWeight: number; concurrency: number }) {
  const router = await split(await service(), canary, load.canaryWeight);
  const clients = clientLoop(router.url("prod"), load.concurrency);
  try {
    const result = await runAnalysis(judgeOnly, {
      service: "shop",
      environment: "prod",
      canaryReleaseId: "v2",
      baselineReleaseId: "v1",
      router,
    });
    return { result, failures: clients.failures };
  } finally {
    await clients.stop();
  }
}

afterEach(async () => {
  for (const r of routers.splice(0)) await r.close();
});
afterAll(() => {
  for (const s of servers) s.close();
});

describe("canary analysis through the built-in router", () => {
  it("fails a canary that answers 5 % 500s, explaining the error rates", async () => {
    const { result, failures } = await analyse({ failEvery: 20 });
    expect(failures).toEqual([]);
    expect(result.verdict).toBe("fail");
    expect(result.explanation).toMatch(/^judge-errors: error rate [\d.]+ % vs 0 % baseline, p (<|=) [\d.e-]+$/);
    const errors = result.measurements.at(-1)?.results.find((r) => r.name === "judge-errors");
    expect(errors?.stats?.p).toBeLessThan(0.01);
  });

  it("fails a canary 200 ms slower, explaining the latency ratio", async () => {
    const { result, failures } = await analyse({ delayMs: 200 });
    expect(failures).toEqual([]);
    expect(result.verdict).toBe("fail");
    expect(result.explanation).toMatch(
      /^judge-latency: (median|p99) latency \d+\.\d× baseline \(\d+ ms vs [\d.]+ ms\), p/,
    );
    const latency = result.measurements.at(-1)?.results.find((r) => r.name === "judge-latency");
    expect(latency?.stats?.rankBiserial).toBeGreaterThan(0.5);
  });

  it("fails a canary whose upstream refuses connections, on its own errors", async () => {
    // 90/10 and one client: a retry that left the canary would always land on the baseline
    const { result, failures } = await analyseAt(await refusingAddress(), { canaryWeight: 10, concurrency: 1 });
    expect(failures).toEqual([]); // its share is answered 502 by the router
    expect(result.verdict).toBe("fail");
    expect(result.explanation).toMatch(/^judge-errors: error rate 100 % vs 0 % baseline, p (<|=) [\d.e-]+$/);
  });

  it("passes a canary identical to its baseline", async () => {
    const { result, failures } = await analyse({});
    expect(failures).toEqual([]);
    expect(result.verdict).toBe("pass");
    expect(result.measurements).toHaveLength(10);
    const last = result.measurements.at(-1);
    expect(last?.status).toBe("pass");
    expect(last?.results.map((r) => r.name)).toEqual(["judge-latency", "judge-errors"]);
  });
});
