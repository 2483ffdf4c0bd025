/**
 * One conformance suite for every TrafficRouter (DESIGN.md §3), with real HTTP on loopback:
 * backends are node:http servers that answer with their release id, clients are bounded
 * request loops over keep-alive connections.
 */
import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { TrafficRouter } from "../../src/deploy/routers/traffic-router.js";

/** A backend server; `kill` closes it and cuts its connections. */
interface TestBackend {
  address: string;
  kill(): Promise<void>;
}

/** Starts a backend answering `body`; `failEvery` n makes every nth answer a 500. */
async function backend(body: string, opts: { delayMs?: number; failEvery?: number } = {}): Promise<TestBackend> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    const status = opts.failEvery && ++n % opts.failEvery === 0 ? 500 : 200;
    const answer = () => res.writeHead(status, { "content-type": "text/plain" }).end(body);
    if (opts.delayMs) setTimeout(answer, opts.delayMs);
    else answer();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    address,
    kill: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/**
 * Outcome of a load loop: answers per body, status codes, failures (connection errors), and
 * `reusedRetries`: requests resent because a reused keep-alive connection closed before any
 * response byte, which RFC 9112 §9.3.1 allows for idempotent requests and browsers do (nginx
 * closes idle client connections of old workers on reload, so its clients see this).
 */
interface Load {
  bodies: Map<string, number>;
  statuses: Map<number, number>;
  failures: string[];
  reusedRetries: number;
}

/** Sends `total` GETs to `url` with `concurrency` keep-alive clients; stops by itself. */
async function load(
  url: string,
  total: number,
  concurrency: number,
  onProgress?: (done: number) => void,
): Promise<Load> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const result: Load = { bodies: new Map(), statuses: new Map(), failures: [], reusedRetries: 0 };
  let sent = 0;
  let done = 0;
  const one = (retry = true): Promise<void> =>
    new Promise<void>((resolve) => {
      const req = request(`${url}/`, { agent }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => {
          result.bodies.set(body, (result.bodies.get(body) ?? 0) + 1);
          result.statuses.set(res.statusCode ?? 0, (result.statuses.get(res.statusCode ?? 0) ?? 0) + 1);
          resolve();
        });
        res.on("error", (e) => {
          result.failures.push(e.message);
          resolve();
        });
      });
      req.on("error", (e) => {
        if (retry && req.reusedSocket && "code" in e && e.code === "ECONNRESET") {
          result.reusedRetries += 1;
          resolve(one(false));
          return;
        }
        result.failures.push(e.message);
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (sent < total) {
      sent += 1;
      await one();
      onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return result;
}

const share = (l: Load, body: string) => (l.bodies.get(body) ?? 0) / [...l.bodies.values()].reduce((a, b) => a + b, 0);

/**
 * Runs the traffic-router contract against routers from `make`. `switchClosesIdleConnections`
 * admits that a switch may close idle keep-alive client connections (nginx reload).
 */
export function runTrafficRouterConformance(
  name: string,
  make: () => Promise<TrafficRouter>,
  quirks: { switchClosesIdleConnections?: boolean } = {},
) {
  describe(`TrafficRouter conformance: ${name}`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanup.splice(0).reverse()) await c();
    });
    const setup = async (...backends: TestBackend[]) => {
      cleanup.push(...backends.map((b) => () => b.kill()));
      const router = await make();
      cleanup.push(() => router.close());
      return router;
    };

    it.each([
      [90, 10],
      [50, 50],
      [0, 100],
    ])("splits 2,000 requests %i/%i within 3 points", async (wa, wb) => {
      const a = await backend("A");
      const b = await backend("B");
      const router = await setup(a, b);
      await router.setBackends("prod", [
        { releaseId: "a", weight: wa, upstreams: [a.address] },
        { releaseId: "b", weight: wb, upstreams: [b.address] },
      ]);
      const l = await load(router.url("prod"), 2000, 8);
      expect(l.failures).toEqual([]);
      expect(Math.abs(share(l, "A") * 100 - wa)).toBeLessThanOrEqual(3);
      expect(Math.abs(share(l, "B") * 100 - wb)).toBeLessThanOrEqual(3);
      expect((await router.metrics("a")).requests + (await router.metrics("b")).requests).toBe(2000);
    });

    it("switches weights under steady load without a failed request", async () => {
      const a = await backend("A", { delayMs: 20 });
      const b = await backend("B", { delayMs: 20 });
      const router = await setup(a, b);
      const weights = (wa: number) => [
        { releaseId: "a", weight: wa, upstreams: [a.address] },
        { releaseId: "b", weight: 100 - wa, upstreams: [b.address] },
      ];
      await router.setBackends("prod", weights(100));
      const port = router.port("prod");
      const steps = [75, 50, 25, 0];
      const switches: Promise<void>[] = [];
      const l = await load(router.url("prod"), 800, 10, (done) => {
        if (done % 150 === 0 && steps.length > 0)
          switches.push(router.setBackends("prod", weights(steps.shift() ?? 0)));
      });
      await Promise.all(switches);
      expect(l.failures).toEqual([]);
      if (!quirks.switchClosesIdleConnections) expect(l.reusedRetries).toBe(0);
      expect([...l.statuses.keys()]).toEqual([200]);
      expect(router.port("prod")).toBe(port);
      const after = await load(router.url("prod"), 50, 5);
      expect(after.bodies.get("B")).toBe(50);
    });

    it("hides a backend dying mid-load when the release has another upstream", async () => {
      const a1 = await backend("A");
      const a2 = await backend("A");
      const router = await setup(a1, a2);
      await router.setBackends("prod", [{ releaseId: "a", weight: 100, upstreams: [a1.address, a2.address] }]);
      let killed: Promise<void> | undefined;
      const l = await load(router.url("prod"), 1000, 8, (done) => {
        if (done === 300) killed = a1.kill();
      });
      await killed;
      expect(l.failures).toEqual([]);
      expect(l.statuses.get(200)).toBe(1000);
    });

    it("counts requests and 5xx errors per release", async () => {
      const a = await backend("A", { failEvery: 20 });
      const b = await backend("B");
      const router = await setup(a, b);
      await router.setBackends("prod", [
        { releaseId: "a", weight: 50, upstreams: [a.address] },
        { releaseId: "b", weight: 50, upstreams: [b.address] },
      ]);
      await load(router.url("prod"), 2000, 8);
      const ma = await router.metrics("a");
      const mb = await router.metrics("b");
      expect(ma.requests + mb.requests).toBe(2000);
      expect(ma.errors / ma.requests).toBeGreaterThan(0.04);
      expect(ma.errors / ma.requests).toBeLessThan(0.06);
      expect(mb.errors).toBe(0);
      expect(ma.latencyMs.count).toBeGreaterThan(0);
      expect(ma.latencyMs.p99).toBeGreaterThanOrEqual(ma.latencyMs.p50);
    });

    it("gives a release's recent requests after a cursor", async () => {
      const a = await backend("A", { failEvery: 10 });
      const b = await backend("B");
      const router = await setup(a, b);
      await router.setBackends("prod", [{ releaseId: "a", weight: 100, upstreams: [a.address] }]);
      await load(router.url("prod"), 100, 4);
      const first = await router.samples("a");
      expect(first.latenciesMs.length).toBe(100);
      expect(first.errors).toBe(10);
      await load(router.url("prod"), 50, 4);
      const later = await router.samples("a", first.cursor);
      expect(later.latenciesMs.length).toBe(50);
      expect(later.errors).toBe(5);
      expect(later.cursor).toBe(first.cursor + 50);
      expect((await router.samples("b")).latenciesMs).toEqual([]);
    });

    it("rejects bad weights naming the sum, and changes nothing", async () => {
      const a = await backend("A");
      const b = await backend("B");
      const router = await setup(a, b);
      await router.setBackends("prod", [{ releaseId: "a", weight: 100, upstreams: [a.address] }]);
      const bad = router.setBackends("prod", [
        { releaseId: "a", weight: 60, upstreams: [a.address] },
        { releaseId: "b", weight: 30, upstreams: [b.address] },
      ]);
      await expect(bad).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining("got 90") });
      await expect(router.setBackends("staging", [])).rejects.toMatchObject({ name: "ValidationError" });
      expect(() => router.port("staging")).toThrow(/not found/);
      const l = await load(router.url("prod"), 100, 4);
      expect(l.bodies.get("A")).toBe(100);
    });
  });
}
