import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const hex = (n: number, len: number) => n.toString(16).padStart(len, "0");
const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
const str = (s: string) => ({ stringValue: s });

/** One request through web → api (client span in web, server span in api), and api → postgres (untraced). */
function trace(i: number, now: number, failing: boolean) {
  const traceId = hex(i + 1, 32);
  const t0 = now - 60_000 + i * 10;
  const span = (id: number, parent: number | null, kind: number, start: number, ms: number, extra: object = {}) => ({
    traceId,
    spanId: hex(i * 10 + id, 16),
    ...(parent ? { parentSpanId: hex(i * 10 + parent, 16) } : {}),
    name: `op${id}`,
    kind,
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(start + ms),
    ...extra,
  });
  const res = (service: string, spans: object[]) => ({
    resource: { attributes: [{ key: "service.name", value: str(service) }] },
    scopeSpans: [{ spans }],
  });
  return [
    res("web", [span(1, null, 2, t0, 50), span(2, 1, 3, t0 + 1, 40 + i, failing ? { status: { code: 2 } } : {})]),
    res("api", [
      span(3, 2, 2, t0 + 2, 30, failing ? { status: { code: "STATUS_CODE_ERROR" } } : {}),
      span(4, 3, 3, t0 + 3, 5, { attributes: [{ key: "peer.service", value: str("postgres") }] }),
    ]),
  ];
}

describe.each(await testDialects())("traces over HTTP on %s", (dialect, make) => {
  let t: TestApp;
  let tdb: TestDatabase | undefined;
  const post = (payload: unknown) =>
    t.server.inject({
      method: "POST",
      url: "/v1/traces",
      headers: { authorization: `Bearer ${t.adminToken}` },
      payload: payload as object,
    });
  const get = (url: string) => t.server.inject({ url, headers: { authorization: `Bearer ${t.adminToken}` } });

  beforeAll(async () => {
    if (dialect === "postgres") tdb = await make();
    t = await startTestApp({ databaseUrl: tdb?.database.description });
  });
  afterAll(async () => {
    await t?.dispose();
    await tdb?.dispose();
  });

  it("ingests OTLP spans, serves a trace and the dependency graph, and announces new edges live", async () => {
    const now = Date.now();
    const body = { resourceSpans: Array.from({ length: 20 }, (_, i) => trace(i, now, i < 2)).flat() };
    expect((await post(body)).statusCode).toBe(200);
    expect((await post(body)).statusCode).toBe(200); // re-sent: stored once
    const one = (await get(`/api/traces/${hex(1, 32)}`)).json();
    expect(one.spans.map((s: { service: string; kind: string }) => `${s.service}:${s.kind}`)).toEqual([
      "web:server",
      "web:client",
      "api:server",
      "api:client",
    ]);
    expect(one.spans[3].peerService).toBe("postgres");
    expect((await get(`/api/traces/${hex(999, 32)}`)).statusCode).toBe(404);

    const graph = (await get("/api/traces/graph?window=15m")).json();
    expect(graph.services).toEqual(["api", "postgres", "web"]);
    expect(graph.edges).toEqual([
      { from: "api", to: "postgres", calls: 20, errors: 0, errorRate: 0, callsPerMinute: 20 / 15, p50Ms: 5, p99Ms: 5 },
      { from: "web", to: "api", calls: 20, errors: 2, errorRate: 0.1, callsPerMinute: 20 / 15, p50Ms: 49, p99Ms: 59 },
    ]);
    expect((await get("/api/traces/graph?window=1ms")).statusCode).toBe(400);

    // The watcher recomputes after a quiet second and emits topology.updated for the new edges.
    const deadline = Date.now() + 5000;
    let updates = await t.app.events.list({ type: "topology.updated" });
    while (updates.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      updates = await t.app.events.list({ type: "topology.updated" });
    }
    expect(updates).toHaveLength(1);
    expect(updates[0]!.data.changes).toEqual([
      { from: "api", to: "postgres", change: "added", errorRate: 0 },
      { from: "web", to: "api", change: "added", errorRate: 0.1 },
    ]);
    // The error rate of web → api moving by ≥ 0.1 is announced; a small move is not.
    await post({ resourceSpans: Array.from({ length: 10 }, (_, i) => trace(100 + i, now, true)).flat() });
    const changes = await t.app.observation.topology.refresh();
    expect(changes).toEqual([{ from: "web", to: "api", change: "error_rate", errorRate: 0.4, previous: 0.1 }]);
    expect(await t.app.observation.topology.refresh()).toEqual([]);
  });

  it("names the problem of an invalid export and stores none of it", async () => {
    const good = trace(500, Date.now(), false);
    const bad = await post({ resourceSpans: [...good, { scopeSpans: [{ spans: [{ traceId: "xyz" }] }] }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(
      /invalid OTLP traces: body.resourceSpans.2.scopeSpans.0.spans.0.traceId: 32 hex digits/,
    );
    expect((await get(`/api/traces/${hex(501, 32)}`)).statusCode).toBe(404);
    const noAuth = await t.server.inject({ method: "POST", url: "/v1/traces", payload: { resourceSpans: [] } });
    expect(noAuth.statusCode).toBe(401);
  });
});
