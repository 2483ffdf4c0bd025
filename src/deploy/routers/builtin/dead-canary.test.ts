/**
 * The built-in router's retry stays within the release that failed while that release takes
 * traffic: a canary whose only upstream refuses connections must show its failures to the
 * judge, not have its requests quietly answered by the stable release.
 */
import { createServer, type Server } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrafficRouter } from "../traffic-router.js";
import { createBuiltinRouter } from "./builtin-router.js";

/** A node:http server answering `body`; resolves with it listening on loopback. */
async function answering(body: string): Promise<Server> {
  const server = createServer((_req, res) => res.end(body));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return server;
}

/** A loopback port nothing listens on (bound, then closed): connections to it are refused. */
async function refusingPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Sends `n` GETs one after another; counts the answers by `status body`. */
async function answersOf(url: string, n: number): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const res = await fetch(url);
    const key = `${res.status} ${(await res.text()).trim()}`;
    seen[key] = (seen[key] ?? 0) + 1;
  }
  return seen;
}

describe("the built-in router with a canary whose upstream refuses connections", () => {
  const servers: Server[] = [];
  let router: TrafficRouter;
  let stable: string;
  let canary: string;
  let dead: string;

  beforeAll(async () => {
    servers.push(await answering("stable"), await answering("canary"));
    [stable, canary] = servers.map((s) => `127.0.0.1:${(s.address() as AddressInfo).port}`) as [string, string];
    dead = `127.0.0.1:${await refusingPort()}`;
    router = createBuiltinRouter({ capture: false });
  });
  afterAll(async () => {
    await router.close();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it("answers the canary's share 502 and counts it as the canary's errors", async () => {
    await router.setBackends("one", [
      { releaseId: "stable-1", weight: 90, upstreams: [stable] },
      { releaseId: "canary-1", weight: 10, upstreams: [dead] },
    ]);
    const seen = await answersOf(router.url("one"), 100);
    expect(seen).toEqual({ "200 stable": 90, "502 pitcrew: upstream unavailable": 10 });
    expect(await router.metrics("stable-1")).toMatchObject({ requests: 90, errors: 0 });
    expect(await router.metrics("canary-1")).toMatchObject({ requests: 10, errors: 10 });
    expect((await router.samples("canary-1", 0)).errors).toBe(10);
  });

  it("retries on the canary's other upstream when it has one", async () => {
    await router.setBackends("two", [
      { releaseId: "stable-2", weight: 90, upstreams: [stable] },
      { releaseId: "canary-2", weight: 10, upstreams: [dead, canary] },
    ]);
    const seen = await answersOf(router.url("two"), 100);
    expect(seen).toEqual({ "200 stable": 90, "200 canary": 10 });
    expect(await router.metrics("stable-2")).toMatchObject({ requests: 90, errors: 0 });
    expect(await router.metrics("canary-2")).toMatchObject({ requests: 10, errors: 0 });
  });
});
