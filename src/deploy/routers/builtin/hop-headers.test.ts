import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { endToEndHeaders, rawHeader, upstreamHeaders } from "./hop-headers.js";

describe("endToEndHeaders", () => {
  it("drops hop-by-hop headers and those named in Connection, keeping repeated lines", () => {
    const out = endToEndHeaders([
      "Connection",
      "keep-alive, X-Secret",
      "Keep-Alive",
      "timeout=5",
      "Transfer-Encoding",
      "chunked",
      "x-secret",
      "1",
      "Content-Type",
      "text/plain",
      "Set-Cookie",
      "a=1",
      "Set-Cookie",
      "b=2",
    ]);
    expect(out).toEqual(["Content-Type", "text/plain", "Set-Cookie", "a=1", "Set-Cookie", "b=2"]);
  });

  it("keeps Content-Length when Connection names it", () => {
    expect(endToEndHeaders(["Connection", "content-length", "Content-Length", "2"])).toEqual(["Content-Length", "2"]);
  });
});

describe("upstreamHeaders", () => {
  const req = (rawHeaders: string[]) => ({ rawHeaders, socket: { remoteAddress: "10.0.0.9" } }) as IncomingMessage;

  it("extends the client's forwarding chain and drops Expect and hop-by-hop headers", () => {
    const out = upstreamHeaders(
      req([
        "Host",
        "shop.test",
        "X-Forwarded-For",
        "1.2.3.4",
        "Expect",
        "100-continue",
        "TE",
        "trailers",
        "Accept",
        "*/*",
      ]),
      "127.0.0.1:9000",
    );
    expect(out).toEqual([
      "Host",
      "shop.test",
      "Accept",
      "*/*",
      "x-forwarded-for",
      "1.2.3.4, 10.0.0.9",
      "x-forwarded-host",
      "shop.test",
      "x-forwarded-proto",
      "http",
    ]);
  });

  it("keeps the request's framing, even when Connection names it", () => {
    const chunked = upstreamHeaders(
      req(["Transfer-Encoding", "chunked", "Connection", "Transfer-Encoding"]),
      "127.0.0.1:9000",
    );
    expect(rawHeader(chunked, "transfer-encoding")).toBe("chunked");
    const length = upstreamHeaders(req(["Content-Length", "3", "Connection", "keep-alive, Content-Length"]), "h:1");
    expect(rawHeader(length, "content-length")).toBe("3");
    expect(rawHeader(length, "connection")).toBeUndefined();
  });

  it("names the upstream as host when the client sent none", () => {
    const out = upstreamHeaders(req([]), "127.0.0.1:9000");
    expect(rawHeader(out, "host")).toBe("127.0.0.1:9000");
    expect(rawHeader(out, "x-forwarded-host")).toBe("");
  });
});
