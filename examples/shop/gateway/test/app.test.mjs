import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { createApp } from "../src/app.mjs";

/** A stand-in upstream answering from `routes` ("METHOD /path" → [status, body]); others hang. */
function startUpstream(routes) {
  const server = createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const answer = routes[`${req.method} ${req.url}`];
    if (!answer) return; // never answers: the caller's timeout must end the call
    const [status, body] = typeof answer === "function" ? answer(text ? JSON.parse(text) : undefined) : answer;
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const urlOf = (server) => `http://127.0.0.1:${server.address().port}`;

describe("gateway API", () => {
  const upstreams = [];
  const logs = [];
  let server;
  let base;

  before(async () => {
    const catalog = await startUpstream({
      "GET /products": [200, { products: [{ id: "p-1" }] }],
      "GET /products/p-1": [200, { id: "p-1", name: "Espresso beans, 1 kg" }],
      "GET /products/p-9": [404, { error: { message: "no product p-9" } }],
      "GET /products/p-500": [500, { error: { message: "boom" } }],
    });
    const cart = await startUpstream({
      "POST /carts": [201, { id: "c-1", items: [] }],
      "GET /carts/c-1": [
        200,
        { id: "c-1", lines: [{ productId: "p-1", name: "x", unitPrice: 10, quantity: 2, lineTotal: 20 }] },
      ],
    });
    const pricing = await startUpstream({
      "POST /quote": (body) => [
        200,
        { subtotal: body.lines[0].unitPrice * body.lines[0].quantity, coupon: body.coupon },
      ],
    });
    upstreams.push(catalog, cart, pricing);
    const urls = { catalog: urlOf(catalog), cart: urlOf(cart), pricing: urlOf(pricing) };
    const config = { catalog_timeout_ms: 1000, cart_timeout_ms: 1000, pricing_timeout_ms: 1000, retries: 0 };
    server = createApp({ version: "test", urls, config, logWrite: (line) => logs.push(JSON.parse(line)) });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = urlOf(server);
  });
  after(async () => {
    await server.shutdown();
    for (const s of upstreams) {
      s.close();
      s.closeAllConnections();
    }
  });

  const call = async (method, path) => {
    const res = await fetch(base + path, { method });
    return { status: res.status, body: await res.json() };
  };

  it("forwards product calls to the catalog, statuses included", async () => {
    assert.deepEqual(await call("GET", "/api/products/p-1"), {
      status: 200,
      body: { id: "p-1", name: "Espresso beans, 1 kg" },
    });
    assert.equal((await call("GET", "/api/products/p-9")).status, 404);
  });

  it("creates carts through the cart service", async () => {
    assert.deepEqual(await call("POST", "/api/carts"), { status: 201, body: { id: "c-1", items: [] } });
  });

  it("shows a cart priced by the pricing service", async () => {
    const { status, body } = await call("GET", "/api/carts/c-1?coupon=WELCOME10");
    assert.equal(status, 200);
    assert.deepEqual(body.quote, { subtotal: 20, coupon: "WELCOME10" });
  });

  it("answers 502 when an upstream fails, and logs it", async () => {
    const { status } = await call("GET", "/api/products/p-500");
    assert.equal(status, 502);
    assert.ok(logs.some((l) => l.level === "error" && /catalog GET \/products\/p-500 answered 500/.test(l.msg)));
  });
});

describe("gateway timeouts", () => {
  it("answers 504 and names the setting when an upstream does not answer in time", async () => {
    const silent = await startUpstream({});
    const logs = [];
    const urls = { catalog: urlOf(silent), cart: urlOf(silent), pricing: urlOf(silent) };
    const config = { catalog_timeout_ms: 50, cart_timeout_ms: 50, pricing_timeout_ms: 50, retries: 0 };
    const server = createApp({ urls, config, logWrite: (line) => logs.push(JSON.parse(line)) });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const res = await fetch(`${urlOf(server)}/api/products`);
    await server.shutdown();
    silent.close();
    silent.closeAllConnections();
    assert.equal(res.status, 504);
    const line = logs.find((l) => l.level === "error");
    assert.match(line.msg, /catalog GET \/products timed out after 50 ms \(catalog_timeout_ms=50\)/);
    assert.equal(line.config_key, "catalog_timeout_ms");
  });
});
