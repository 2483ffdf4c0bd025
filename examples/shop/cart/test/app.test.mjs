import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { createApp } from "../src/app.mjs";

/** A stand-in for the catalog service: serves GET /products and remembers trace headers. */
function startCatalog() {
  const seen = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.traceparent);
    const body = JSON.stringify({ products: [{ id: "p-1", name: "Espresso beans, 1 kg", price: 24.5 }] });
    res.writeHead(req.url === "/products" ? 200 : 404, { "content-type": "application/json" }).end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, seen })));
}

describe("cart API", () => {
  let catalog;
  let server;
  let base;

  before(async () => {
    catalog = await startCatalog();
    const catalogUrl = `http://127.0.0.1:${catalog.server.address().port}`;
    server = createApp({ version: "test", catalogUrl, logWrite: () => {} });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(async () => {
    await server.shutdown();
    catalog.server.close();
  });

  const call = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  it("answers liveness and readiness", async () => {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
  });

  it("creates a cart, adds an item and shows it with the catalog's price", async () => {
    const created = await call("POST", "/carts");
    assert.equal(created.status, 201);
    const id = created.body.id;
    assert.equal((await call("POST", `/carts/${id}/items`, { productId: "p-1", quantity: 2 })).status, 201);
    const shown = await call("GET", `/carts/${id}`, undefined);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.lines, [
      { productId: "p-1", name: "Espresso beans, 1 kg", unitPrice: 24.5, quantity: 2, lineTotal: 49 },
    ]);
  });

  it("passes the trace context on to the catalog", async () => {
    const catalogUrl = `http://127.0.0.1:${catalog.server.address().port}`;
    const fresh = createApp({ catalogUrl, logWrite: () => {} }); // nothing cached yet
    await new Promise((resolve) => fresh.listen(0, "127.0.0.1", resolve));
    const freshBase = `http://127.0.0.1:${fresh.address().port}`;
    const { id } = await (await fetch(`${freshBase}/carts`, { method: "POST" })).json();
    catalog.seen.length = 0;
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const res = await fetch(`${freshBase}/carts/${id}`, { headers: { traceparent } });
    await fresh.shutdown();
    assert.equal(res.status, 200);
    assert.equal(catalog.seen.length, 1);
    assert.match(catalog.seen[0], /^00-0af7651916cd43dd8448eb211c80319c-(?!b7ad6b7169203331)[0-9a-f]{16}-01$/);
  });

  it("changes a quantity and removes an item", async () => {
    const { id } = (await call("POST", "/carts")).body;
    await call("POST", `/carts/${id}/items`, { productId: "p-1" });
    assert.equal((await call("PUT", `/carts/${id}/items/p-1`, { quantity: 3 })).body.items[0].quantity, 3);
    assert.deepEqual((await call("DELETE", `/carts/${id}/items/p-1`)).body.items, []);
  });

  it("rejects bad input with 4xx", async () => {
    const { id } = (await call("POST", "/carts")).body;
    assert.equal((await call("POST", `/carts/${id}/items`, { productId: "p-1", quantity: -1 })).status, 400);
    assert.equal((await call("POST", `/carts/${id}/items`, [1, 2])).status, 400);
    assert.equal((await call("GET", "/carts/c-404")).status, 404);
  });
});
