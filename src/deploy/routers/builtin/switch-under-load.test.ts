/**
 * Blue-green switches of the built-in router under load, with real processes and real HTTP: each
 * release is two node:http processes that, on SIGTERM, stop listening and close their idle
 * keep-alive connections (as a service shut down by the process target does). The router's
 * pooled connections to the old release die while requests are being sent on them; not one
 * request may fail or be answered with a 5xx.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../../common/free-port.js";
import type { TrafficRouter } from "../traffic-router.js";
import { createBuiltinRouter } from "./builtin-router.js";

/** A release's process: answers its `$BODY` after 0–2 ms; on SIGTERM drains like service.mjs. */
const BACKEND = `
const { createServer } = require("node:http");
const server = createServer((req, res) => {
  req.resume();
  const answer = () => res.writeHead(200, { "content-type": "text/plain" }).end(process.env.BODY);
  const delay = Math.floor(Math.random() * 3);
  if (delay) setTimeout(answer, delay); else answer();
});
server.keepAliveTimeout = 60000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.stdout.write("ready\\n"));
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
`;

/** Starts one backend process answering `body`; resolves with it and its address once listening. */
async function startBackend(body: string): Promise<{ child: ChildProcess; address: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["-e", BACKEND], {
    env: { ...process.env, PORT: String(port), BODY: body },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (c: Buffer) => c.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`backend ${body} exited with ${code}`)));
  });
  return { child, address: `127.0.0.1:${port}` };
}

/** SIGTERM to `child`, SIGKILL after 2 s (as the process target stops a replica); resolves once it exited. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 2_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** GETs with `concurrency` keep-alive clients until stopped; counts what came back. No client retry. */
function steadyLoad(url: string, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const seen = { ok: 0, status5xx: 0, failures: [] as string[], bodies: new Set<string>() };
  let running = true;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(`${url}/`, { agent }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => {
          if ((res.statusCode ?? 0) >= 500) seen.status5xx++;
          else seen.ok++;
          seen.bodies.add(body);
          resolve();
        });
      });
      req.on("error", (e) => {
        seen.failures.push(e.message);
        resolve();
      });
      req.end();
    });
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) await one();
  });
  return {
    seen,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

describe("the built-in router switching releases under load", () => {
  const children: ChildProcess[] = [];
  let router: TrafficRouter | undefined;
  afterAll(async () => {
    await router?.close();
    await Promise.all(children.map(stop));
  });

  it("loses no request while old releases shut down behind it", async () => {
    router = createBuiltinRouter({ capture: false });
    const release = async (version: string) => {
      const replicas = await Promise.all([startBackend(version), startBackend(version)]);
      children.push(...replicas.map((r) => r.child));
      return { version, replicas };
    };
    let live = await release("v0");
    const backendsOf = (r: typeof live) => [
      { releaseId: r.version, weight: 100, upstreams: r.replicas.map((x) => x.address) },
    ];
    await router.setBackends("prod", backendsOf(live));
    const load = steadyLoad(router.url("prod"), 24);
    for (let i = 1; i <= 6; i++) {
      const next = await release(`v${i}`);
      await new Promise((r) => setTimeout(r, 150)); // traffic on the live release's pooled connections
      await router.setBackends("prod", backendsOf(next));
      await Promise.all(live.replicas.map((r) => stop(r.child))); // as the rollout does: at once
      live = next;
    }
    await new Promise((r) => setTimeout(r, 150));
    await load.stop();
    expect(load.seen.failures).toEqual([]);
    expect(load.seen.status5xx).toBe(0);
    expect(load.seen.ok).toBeGreaterThan(500);
    expect(load.seen.bodies).toEqual(new Set(["v0", "v1", "v2", "v3", "v4", "v5", "v6"]));
    const metrics = await Promise.all(["v0", "v1", "v2", "v3", "v4", "v5", "v6"].map((v) => router!.metrics(v)));
    expect(metrics.reduce((n, m) => n + m.errors, 0)).toBe(0);
  }, 60_000);
});
