/**
 * Request smuggling through the built-in router: a body on a GET or DELETE (chunked, or with a
 * `Content-Length` that `Connection` names) must reach the upstream framed, so the upstream
 * reads it as that request's body and never as a second request on the pooled connection.
 * Clients write raw bytes; the upstream is a real node:http server.
 */
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TrafficRouter } from "../traffic-router.js";
import { createBuiltinRouter } from "./builtin-router.js";

const INNER = "GET /admin HTTP/1.1\r\nHost: internal\r\n\r\n";
const CHUNKED = `${INNER.length.toString(16)}\r\n${INNER}\r\n0\r\n\r\n`;

/** Writes `raw` to `port` and resolves with everything read until the router closes or 1 s passes. */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(raw));
    let got = "";
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, 1_000);
    socket.on("data", (chunk) => {
      got += chunk.toString("latin1");
      if (got.includes("\r\n\r\n") && got.endsWith("ok")) done(); // the upstream's whole answer
    });
    socket.on("close", done);
    socket.on("error", done);
  });
}

describe("the built-in router framing request bodies", () => {
  let upstream: Server;
  let router: TrafficRouter;
  let port: number;
  let seen: string[] = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let body = "";
      req.setEncoding("latin1");
      req.on("data", (c: string) => {
        body += c;
      });
      req.on("end", () => {
        seen.push(`${req.method} ${req.url} ${JSON.stringify(body)}`);
        res.writeHead(200, { "content-length": 2 }).end("ok");
      });
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    router = createBuiltinRouter({ capture: false });
    const up = (upstream.address() as AddressInfo).port;
    await router.setBackends("prod", [{ releaseId: "r1", weight: 100, upstreams: [`127.0.0.1:${up}`] }]);
    port = router.port("prod");
  });
  beforeEach(() => {
    seen = [];
  });
  afterAll(async () => {
    await router.close();
    await new Promise((r) => upstream.close(r));
  });

  /** One GET after the request under test, on the router's pooled upstream connection. */
  const follow = () => fetch(`${router.url("prod")}/victim`).then((r) => r.text());

  it("forwards a chunked GET or DELETE body chunked", async () => {
    for (const method of ["GET", "DELETE"]) {
      const answer = await exchange(
        port,
        `${method} / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${CHUNKED}`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(await follow()).toBe("ok");
    }
    expect(seen).toEqual([
      `GET / ${JSON.stringify(INNER)}`,
      'GET /victim ""',
      `DELETE / ${JSON.stringify(INNER)}`,
      'GET /victim ""',
    ]);
  });

  it("keeps Content-Length when Connection names it", async () => {
    const raw = `GET / HTTP/1.1\r\nHost: a\r\nContent-Length: ${INNER.length}\r\nConnection: keep-alive, Content-Length\r\n\r\n${INNER}`;
    expect(await exchange(port, raw)).toMatch(/^HTTP\/1\.1 200 /);
    expect(await follow()).toBe("ok");
    expect(seen).toEqual([`GET / ${JSON.stringify(INNER)}`, 'GET /victim ""']);
  });

  it("refuses ambiguous framing with 400 and sends nothing upstream", async () => {
    const raw = `GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n${CHUNKED}`;
    expect(await exchange(port, raw)).toMatch(/^HTTP\/1\.1 400 /);
    expect(seen).toEqual([]);
  });
});
