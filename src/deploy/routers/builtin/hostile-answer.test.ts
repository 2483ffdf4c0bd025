/**
 * A hostile upstream's answer the router cannot pass on (a status line node's server will not
 * write, a switch of protocols nobody asked for) is answered 502 and counted as the release's error; the router process survives it.
 * The upstream is a raw TCP server, so the test decides every byte.
 */
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrafficRouter } from "../traffic-router.js";
import { createBuiltinRouter } from "./builtin-router.js";

describe("the built-in router on an upstream answering an invalid status", () => {
  let upstream: Server;
  let router: TrafficRouter;
  let answer = "";

  beforeAll(async () => {
    upstream = createServer((socket) =>
      socket.on("data", (chunk) => {
        if (chunk.toString("latin1").includes("\r\n\r\n")) socket.write(answer);
      }),
    );
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    router = createBuiltinRouter({});
    const port = (upstream.address() as AddressInfo).port;
    await router.setBackends("prod", [{ releaseId: "r1", weight: 100, upstreams: [`127.0.0.1:${port}`] }]);
  });
  afterAll(async () => {
    await router.close();
    await new Promise((r) => upstream.close(r));
  });

  it("answers 502 to a status below 100 or an unasked 101, and keeps serving", async () => {
    answer = "HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\nok";
    const bad = await fetch(`${router.url("prod")}/`, { signal: AbortSignal.timeout(5_000) });
    expect(bad.status).toBe(502);
    expect(await bad.text()).toBe("pitcrew: invalid upstream answer\n");
    answer = "HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\nok"; // the highest status node writes
    const odd = await fetch(`${router.url("prod")}/`, { signal: AbortSignal.timeout(5_000) });
    expect([odd.status, await odd.text()]).toEqual([999, "ok"]);
    answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\nraw"; // never asked for
    const upgraded = await fetch(`${router.url("prod")}/`, { signal: AbortSignal.timeout(5_000) });
    expect(upgraded.status).toBe(502);
    expect(await router.metrics("r1")).toMatchObject({ requests: 3, errors: 3 });
    expect(router.exchanges?.().map((e) => e.status)).toEqual([502, 999, 502]);
  });
});
