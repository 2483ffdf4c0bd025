import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrafficRouter } from "../traffic-router.js";
import { createBuiltinRouter } from "./builtin-router.js";

describe("the built-in router's exchange log", () => {
  let upstream: Server;
  let router: TrafficRouter;
  let base: string;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        res.writeHead(req.url?.startsWith("/boom") ? 500 : 200, { "content-type": "application/json" });
        res.end(JSON.stringify({ echo: body.length > 100 ? body.length : body }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    router = createBuiltinRouter({ capture: { capacity: 3, maxBodyBytes: 1024 } });
    const port = (upstream.address() as AddressInfo).port;
    await router.setBackends("prod_cart", [{ releaseId: "7", weight: 100, upstreams: [`127.0.0.1:${port}`] }]);
    base = router.url("prod_cart");
  });
  afterAll(async () => {
    await router.close();
    await new Promise((r) => upstream.close(r));
  });

  it("keeps bodies, status, trace id and harmless headers; never credentials; forgets the oldest", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const res = await fetch(`${base}/boom?x=1`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer secret", cookie: "s=1", traceparent },
      body: '{"id":"c-1"}',
    });
    expect(res.status).toBe(500);
    await res.text();
    await new Promise((r) => setTimeout(r, 50));
    const [e] = router.exchanges!();
    expect(e).toMatchObject({
      route: "prod_cart",
      releaseId: "7",
      method: "POST",
      path: "/boom?x=1",
      headers: { "content-type": "application/json" },
      requestBody: '{"id":"c-1"}',
      status: 500,
      responseBody: '{"echo":"{\\"id\\":\\"c-1\\"}"}',
      contentType: "application/json",
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    });
    expect(JSON.stringify(e)).not.toMatch(/secret|s=1/);

    await (await fetch(`${base}/big`, { method: "POST", body: "x".repeat(5000) })).text();
    await (await fetch(`${base}/a`)).text();
    await (await fetch(`${base}/b`)).text();
    await new Promise((r) => setTimeout(r, 50));
    const kept = router.exchanges!();
    expect(kept.map((x) => x.path)).toEqual(["/big", "/a", "/b"]);
    expect(kept[0]!.requestBody).toBeUndefined(); // over the limit: dropped, not cut
    expect(kept[0]!.responseBody).toBe('{"echo":5000}');
    expect(router.exchanges!((x) => x.path === "/a")).toHaveLength(1);
  });
});
