import { describe, expect, it } from "vitest";
import type { Exchange } from "../deploy/routers/exchange-log.js";
import { captureReplay, identifiersOf, pointerTo } from "./replay-capture.js";

let seq = 0;
const ex = (e: Partial<Exchange> & Pick<Exchange, "route" | "method" | "path" | "status">): Exchange => ({
  seq: ++seq,
  at: 1_000 + seq,
  releaseId: "1",
  headers: {},
  latencyMs: 3,
  ...e,
});
const T = (n: number) => n.toString(16).padStart(32, "0");

describe("captureReplay", () => {
  it("finds identifiers and JSON pointers", () => {
    expect(identifiersOf("/carts/c-17/items/p-2?coupon=X1&x=abc")).toEqual(["c-17", "p-2", "X1"]);
    expect(pointerTo({ cart: { items: [{ id: "c-17" }] } }, "c-17")).toBe("/cart/items/0/id");
    expect(pointerTo({ n: 17 }, "17")).toBe("/n");
    expect(pointerTo({ "a/b": "x" }, "x")).toBe("/a~1b");
  });

  it("rebuilds the failing request, its session with bindings, and the dependency's answers", () => {
    const log = [
      ex({ route: "cart", method: "POST", path: "/carts", status: 201, responseBody: '{"id":"c-16"}', traceId: T(1) }),
      ex({ route: "cart", method: "POST", path: "/carts", status: 201, responseBody: '{"id":"c-17"}', traceId: T(2) }),
      ex({ route: "cart", method: "POST", path: "/carts/c-16/items", status: 201, requestBody: '{"productId":"p-1"}' }),
      ex({
        route: "catalog",
        method: "GET",
        path: "/products",
        status: 200,
        responseBody: '{"products":[]}',
        traceId: T(3),
        latencyMs: 40,
      }),
      ex({
        route: "cart",
        method: "POST",
        path: "/carts/c-17/items",
        status: 201,
        requestBody: '{"productId":"p-13"}',
        traceId: T(3),
      }),
      ex({ route: "catalog", method: "GET", path: "/products", status: 503, traceId: T(4) }),
      ex({ route: "catalog", method: "GET", path: "/other", status: 200, traceId: T(9) }),
      ex({
        route: "cart",
        method: "GET",
        path: "/carts/c-17",
        status: 500,
        responseBody: '{"error":"boom"}',
        traceId: T(4),
        headers: { accept: "application/json" },
      }),
      ex({ route: "cart", method: "GET", path: "/carts/c-16", status: 200, traceId: T(5) }),
    ];
    const replay = captureReplay(log, { route: "cart", dependencies: { CATALOG_URL: "catalog" }, since: 0 })!;
    expect(replay.request).toEqual({
      method: "GET",
      path: "/carts/c-17",
      headers: { accept: "application/json" },
      status: 500,
    });
    expect(replay.setup!.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /carts", "POST /carts/c-17/items"]);
    expect(replay.setup![1]!.body).toBe('{"productId":"p-13"}');
    expect(replay.bind).toEqual([{ value: "c-17", setup: 0, pointer: "/id" }]);
    // the failing trace's own call answered 503: the healthy answer of the same call is preferred
    expect(replay.upstreams).toEqual([
      {
        env: "CATALOG_URL",
        responses: [{ method: "GET", path: "/products", status: 200, body: '{"products":[]}', delayMs: 40 }],
      },
    ]);
  });

  it("is undefined without a failure in the window, and has no session for a path without ids", () => {
    const log = [
      ex({ route: "pricing", method: "POST", path: "/quote", status: 200 }),
      ex({ route: "pricing", method: "POST", path: "/quote", status: 500, requestBody: '{"lines":[]}' }),
    ];
    expect(captureReplay(log, { route: "pricing", dependencies: {}, since: 1_000_000 })).toBeUndefined();
    expect(captureReplay(log, { route: "other", dependencies: {}, since: 0 })).toBeUndefined();
    const replay = captureReplay(log, { route: "pricing", dependencies: {}, since: 0 })!;
    expect(replay).toMatchObject({
      request: { method: "POST", path: "/quote", body: '{"lines":[]}' },
      setup: [],
      bind: [],
    });
  });

  it("replays the latest failure of the kind asked for, or the latest of all when none is held", () => {
    const log = [
      ex({ route: "shop", method: "GET", path: "/items/3?expand=tags", status: 500 }),
      ex({ route: "shop", method: "GET", path: "/items/4", status: 503 }),
    ];
    const since = 0;
    const expand = (e: Exchange) => e.path.includes("expand");
    expect(captureReplay(log, { route: "shop", dependencies: {}, since, failing: expand })?.request.path).toBe(
      "/items/3?expand=tags",
    );
    expect(captureReplay(log, { route: "shop", dependencies: {}, since })?.request.path).toBe("/items/4");
    expect(
      captureReplay(log, { route: "shop", dependencies: {}, since, failing: (e) => e.method === "POST" })?.request.path,
    ).toBe("/items/4");
  });

  it("takes no 499 (the client left before any answer) as a setup step or a dependency's answer", () => {
    const log = [
      ex({ route: "shop", method: "GET", path: "/orders/7", status: 200, responseBody: '{"id":7}', traceId: T(1) }),
      ex({ route: "db", method: "GET", path: "/rows/7", status: 200, responseBody: '{"row":7}', traceId: T(1) }),
      ex({ route: "shop", method: "POST", path: "/orders/7/pay", status: 499, traceId: T(2) }),
      ex({ route: "db", method: "GET", path: "/rows/7", status: 499, traceId: T(3) }),
      ex({ route: "db", method: "GET", path: "/rows/8", status: 499, traceId: T(3) }),
      ex({ route: "shop", method: "GET", path: "/orders/7/receipt", status: 500, responseBody: "boom", traceId: T(3) }),
    ];
    const replay = captureReplay(log, { route: "shop", dependencies: { DB_URL: "db" }, since: 0 })!;
    expect(replay.setup!.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(["GET /orders/7 200"]);
    expect(replay.upstreams).toEqual([
      { env: "DB_URL", responses: [{ method: "GET", path: "/rows/7", status: 200, body: '{"row":7}', delayMs: 3 }] },
    ]);
  });
});
