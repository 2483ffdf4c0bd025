import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrafficRouter } from "../traffic-router.js";
import { createBuiltinRouter } from "./builtin-router.js";

/** GET `path` on the router from local address `from` (127.0.0.0/8 are all this host's). */
function get(port: number, path: string, from: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, localAddress: from, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the built-in router's shape book, by client address", () => {
  let upstream: Server;
  let router: TrafficRouter;
  let port: number;

  beforeAll(async () => {
    upstream = createServer((req, res) => res.writeHead(req.url?.startsWith("/pay") ? 500 : 200).end("ok"));
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    router = createBuiltinRouter({ capture: false, shapes: { maxShapes: 10 } });
    const up = (upstream.address() as AddressInfo).port;
    await router.setBackends("prod_api", [{ releaseId: "1", weight: 100, upstreams: [`127.0.0.1:${up}`] }]);
    port = router.port("prod_api");
  });
  afterAll(async () => {
    await router.close();
    await new Promise((r) => upstream.close(r));
  });

  it("gives a legitimate client's new shape a place a flooding client took", async () => {
    await get(port, "/items/1", "127.0.0.3");
    for (let i = 0; i < 30; i++) await get(port, `/flood?k${i}=1`, "127.0.0.2");
    expect(await get(port, "/pay?card=1", "127.0.0.4")).toBe(500);
    const now = Date.now();
    const shapes = (await router.traffic!("prod_api", now - 60_000, now + 60_000))!.shapes;
    expect(shapes.map((s) => s.shape)).toEqual(expect.arrayContaining(["GET /items/{int}", "GET /pay ?card=int"]));
    expect(shapes.find((s) => s.shape === "GET /pay ?card=int")).toMatchObject({ requests: 1, errors: 1 });
    expect(shapes.filter((s) => s.shape.startsWith("GET /flood")).length).toBe(8); // 9 places taken, one given back
    expect(shapes.reduce((n, s) => n + s.requests, 0)).toBe(32); // every request counted
  });
});
