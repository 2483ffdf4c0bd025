/**
 * The built-in router never resends a request whose fresh upstream connection broke after the
 * request went out: the upstream may have acted on it (a DELETE processed twice). Only a refused
 * connection or a reused kept-alive one the upstream closed is resent (`stale-connection.test.ts`).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrafficRouter } from "../traffic-router.js";
import { createBuiltinRouter } from "./builtin-router.js";

describe("the built-in router on a fresh upstream connection closed under a request", () => {
  let upstream: Server;
  let router: TrafficRouter;
  const received: string[] = [];

  beforeAll(async () => {
    // Acts on each request (records it), then drops the connection without an answer.
    upstream = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    router = createBuiltinRouter({ capture: false });
    const port = (upstream.address() as AddressInfo).port;
    await router.setBackends("prod", [{ releaseId: "r1", weight: 100, upstreams: [`127.0.0.1:${port}`] }]);
  });
  afterAll(async () => {
    await router.close();
    await new Promise((r) => upstream.close(r));
  });

  it("answers 502 and sends a DELETE or a GET once", async () => {
    const url = `${router.url("prod")}/orders/7`;
    expect((await fetch(url, { method: "DELETE" })).status).toBe(502);
    expect((await fetch(url)).status).toBe(502);
    expect(received).toEqual(["DELETE /orders/7", "GET /orders/7"]);
    expect(await router.metrics("r1")).toMatchObject({ requests: 2, errors: 2 });
  });
});
