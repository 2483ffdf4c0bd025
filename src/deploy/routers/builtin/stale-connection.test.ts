/**
 * The built-in router's retry rule on a kept-alive upstream connection that dies under a
 * request: the upstream (a raw TCP server, so the test decides byte by byte) answers the first
 * request of each connection with keep-alive, then closes the connection when the second one
 * arrives, without a byte of answer: what a service shutting down does to pooled connections.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrafficRouter } from "../traffic-router.js";
import { createBuiltinRouter } from "./builtin-router.js";

describe("the built-in router on a kept-alive upstream connection closed under a request", () => {
  let upstream: Server;
  let router: TrafficRouter;
  const received: string[] = [];

  beforeAll(async () => {
    upstream = createServer((socket: Socket) => {
      let requests = 0;
      let buffered = "";
      socket.on("data", (chunk) => {
        buffered += chunk.toString("latin1");
        const end = buffered.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buffered.slice(0, end);
        buffered = "";
        received.push(head.split("\r\n", 1)[0]!);
        requests += 1;
        if (requests === 1) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok");
        else socket.destroy(); // the second request on this connection: closed before any answer byte
      });
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    router = createBuiltinRouter({ capture: false });
    const port = (upstream.address() as AddressInfo).port;
    await router.setBackends("prod", [{ releaseId: "r1", weight: 100, upstreams: [`127.0.0.1:${port}`] }]);
  });
  afterAll(async () => {
    await router.close();
    await new Promise<void>((r) => upstream.close(() => r()));
  });

  it("resends an idempotent request once on a fresh connection; never a POST", async () => {
    const url = `${router.url("prod")}/`;
    expect((await fetch(url)).status).toBe(200); // opens the pooled connection
    const get = await fetch(url); // goes out on the pooled connection, which dies: resent fresh
    expect(get.status).toBe(200);
    expect(await get.text()).toBe("ok");
    expect((await fetch(url)).status).toBe(200); // the retry's connection was not pooled: a new one is
    const post = await fetch(url, { method: "POST", body: "pay=1" }); // on it, dies: never resent
    expect(post.status).toBe(502);
    expect(received).toEqual([
      "GET / HTTP/1.1",
      "GET / HTTP/1.1",
      "GET / HTTP/1.1",
      "GET / HTTP/1.1",
      "POST / HTTP/1.1",
    ]);
    expect(await router.metrics("r1")).toMatchObject({ requests: 4, errors: 1 });
  });
});
