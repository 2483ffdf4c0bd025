import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createApp } from "../src/app.mjs";

describe("catalog API", () => {
  const logs = [];
  let server;
  let base;

  before(async () => {
    server = createApp({ version: "test", logWrite: (line) => logs.push(JSON.parse(line)) });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => server.shutdown());

  const get = async (path, headers = {}) => {
    const res = await fetch(base + path, { headers });
    const type = res.headers.get("content-type") ?? "";
    return { status: res.status, body: type.includes("json") ? await res.json() : await res.text() };
  };

  it("answers liveness and readiness", async () => {
    assert.equal((await get("/healthz")).status, 200);
    assert.equal((await get("/readyz")).status, 200);
  });

  it("lists products", async () => {
    const { status, body } = await get("/products");
    assert.equal(status, 200);
    assert.equal(body.products.length, 12);
  });

  it("shows a product", async () => {
    const { status, body } = await get("/products/p-2");
    assert.equal(status, 200);
    assert.equal(body.name, "Filter coffee, 500 g");
  });

  it("answers 404 for unknown and discontinued products", async () => {
    assert.equal((await get("/products/p-404")).status, 404);
    const gone = await get("/products/p-13");
    assert.equal(gone.status, 404);
    assert.match(gone.body.error.message, /discontinued/);
  });

  it("recommends products", async () => {
    const { status, body } = await get("/products/p-5/recommendations");
    assert.equal(status, 200);
    assert.equal(body.productId, "p-5");
    assert.ok(body.products.length > 0);
  });

  it("answers 405 for a wrong method and 404 for an unknown path", async () => {
    assert.equal((await fetch(`${base}/products`, { method: "DELETE" })).status, 405);
    assert.equal((await get("/nope")).status, 404);
  });

  it("counts requests by route and status in Prometheus text", async () => {
    await get("/products/p-1");
    const { body } = await get("/metrics");
    assert.match(body, /^http_requests_total\{method="GET",route="\/products\/:id",status="200"\} \d+$/m);
    assert.match(
      body,
      /^http_request_duration_seconds_bucket\{method="GET",route="\/products\/:id",status="200",le="\+Inf"\} \d+$/m,
    );
    assert.match(body, /^build_info\{version="test"\} 1$/m);
    assert.doesNotMatch(body, /job=/);
  });
});
