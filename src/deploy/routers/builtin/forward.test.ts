import { request as httpRequest, createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../common/free-port.js";
import type { TrafficRouter } from "../traffic-router.js";
import { createBuiltinRouter } from "./builtin-router.js";

/** A raw HTTP/1.1 request through node's client (fetch would refuse Connection/Expect headers). */
function send(url: string, method: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    if (headers.expect) req.on("continue", () => req.end(body));
    else req.end(body);
  });
}

describe("the built-in router's forwarding", () => {
  let upstream: Server;
  let router: TrafficRouter;
  let seen: { headers: IncomingHttpHeaders; rawHeaders: string[]; body: string } | undefined;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen = { headers: req.headers, rawHeaders: req.rawHeaders, body };
        res.writeHead(201, { connection: "keep-alive, x-internal", "x-internal": "1", "set-cookie": ["a=1", "b=2"] });
        res.end(`got ${body.length}`);
      });
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    router = createBuiltinRouter({ capture: false });
    const port = (upstream.address() as AddressInfo).port;
    await router.setBackends("web", [{ releaseId: "1", weight: 100, upstreams: [`127.0.0.1:${port}`] }]);
    await router.setBackends("down", [{ releaseId: "2", weight: 100, upstreams: [`127.0.0.1:${await freePort()}`] }]);
  });
  afterAll(async () => {
    await router.close();
    await new Promise((r) => upstream.close(r));
  });

  it("streams the body, rewrites hop-by-hop and x-forwarded-* headers both ways", async () => {
    const res = await send(
      `${router.url("web")}/orders?x=1`,
      "POST",
      {
        host: "shop.example",
        connection: "keep-alive, X-Secret",
        "x-secret": "1",
        "X-Forwarded-For": "203.0.113.9",
        "content-type": "application/json",
        "content-length": "11",
      },
      '{"id":"42"}',
    );
    expect(res).toMatchObject({ status: 201, body: "got 11" });
    expect(res.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(res.headers["x-internal"]).toBeUndefined();
    expect(seen?.body).toBe('{"id":"42"}');
    expect(seen?.headers).toMatchObject({
      host: "shop.example",
      "content-type": "application/json",
      "x-forwarded-for": "203.0.113.9, 127.0.0.1",
      "x-forwarded-host": "shop.example",
      "x-forwarded-proto": "http",
    });
    expect(seen?.headers["x-secret"]).toBeUndefined();
  });

  it("answers Expect: 100-continue itself and never passes Expect on", async () => {
    const res = await send(
      `${router.url("web")}/upload`,
      "PUT",
      { expect: "100-continue", "content-length": "5" },
      "hello",
    );
    expect(res).toMatchObject({ status: 201, body: "got 5" });
    expect(seen?.headers.expect).toBeUndefined();
  });

  it("answers 502 when the upstream refuses a request with a body", async () => {
    const res = await send(`${router.url("down")}/orders`, "POST", { "content-length": "2" }, "{}");
    expect(res).toMatchObject({ status: 502, body: "pitcrew: upstream unavailable\n" });
    expect((await router.metrics("2")).errors).toBe(1);
  });
});
