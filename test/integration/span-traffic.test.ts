/**
 * A service pitcrew's router does not see (not deployed by pitcrew, or behind nginx) still has
 * its traffic dated against the error onset, from the server spans it exports over OTLP: a new
 * query shape that carries the 5xx is a traffic_shift, on SQLite and PostgreSQL, through the real
 * OTLP endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnoseIncident, type TrafficShiftData } from "../../src/diagnose/index.js";
import { spanTraffic } from "../../src/heal/delivery/span-traffic.js";
import type { Incident } from "../../src/store/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const hex = (n: number, len: number) => n.toString(16).padStart(len, "0");
const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
const str = (s: string) => ({ stringValue: s });
const STACK = [
  "TypeError: Cannot read properties of undefined (reading 'map')",
  "    at expand (/srv/catalog/src/items.js:12:40)",
  "    at handle (/srv/catalog/src/server.js:30:14)",
].join("\n");

/** A server span of `catalog` for `GET <path>?<query>` answered `status` at `at`. */
const span = (i: number, at: number, path: string, query: string | undefined, status: number) => ({
  traceId: hex(i + 1, 32),
  spanId: hex(i + 1, 16),
  name: "GET /items/:id",
  kind: 2,
  startTimeUnixNano: nanos(at),
  endTimeUnixNano: nanos(at + 3),
  attributes: [
    { key: "http.request.method", value: str("GET") },
    { key: "url.path", value: str(path) },
    ...(query ? [{ key: "url.query", value: str(query) }] : []),
    { key: "http.route", value: str("/items/:id") },
    { key: "http.response.status_code", value: { intValue: String(status) } },
  ],
  ...(status >= 500 ? { status: { code: 2 } } : {}),
});

describe.each(await testDialects())("traffic by shape from OTLP spans on %s", (dialect, make) => {
  let t: TestApp;
  let tdb: TestDatabase | undefined;

  beforeAll(async () => {
    if (dialect === "postgres") tdb = await make();
    t = await startTestApp({ databaseUrl: tdb?.database.description });
  });
  afterAll(async () => {
    await t?.dispose();
    await tdb?.dispose();
  });

  it("finds the new query shape that carries the errors, with no deploy", async () => {
    const now = Date.now();
    const spans = [];
    // four minutes of the usual requests, then for the last 40 s one in four asks to expand
    for (let i = 0; i < 240; i++) spans.push(span(i, now - 240_000 + i * 1_000, `/items/${i % 30}`, undefined, 200));
    for (let i = 0; i < 40; i++) {
      const expand = i % 4 === 0;
      spans.push(
        span(
          1_000 + i,
          now - 40_000 + i * 1_000,
          `/items/${i}`,
          expand ? "expand=tags" : undefined,
          expand ? 500 : 200,
        ),
      );
    }
    const res = await t.server.inject({
      method: "POST",
      url: "/v1/traces",
      headers: { authorization: `Bearer ${t.adminToken}` },
      payload: {
        resourceSpans: [
          { resource: { attributes: [{ key: "service.name", value: str("catalog") }] }, scopeSpans: [{ spans }] },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    await t.app.store.logRecords.insertMany(
      Array.from({ length: 10 }, (_, i) => ({
        at: now - 40_000 + i * 4_000 + 2,
        service: "catalog",
        level: "error",
        message: STACK,
        traceId: null,
        spanId: null,
        attributes: {},
        source: "otlp" as const,
      })),
    );

    const window = await spanTraffic(t.app.store, "catalog", now - 60_000, now + 1);
    expect(window?.shapes.map((s) => s.shape).sort()).toEqual(["GET /items/{int}", "GET /items/{int} ?expand=str"]);

    const incident: Incident = {
      id: 1,
      status: "open",
      title: "HighErrorRate",
      service: "catalog",
      services: ["catalog"],
      severity: "critical",
      version: 1,
      openedAt: now - 1_000,
      lastSignalAt: now - 1_000,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      updatedAt: now,
    };
    const d = await diagnoseIncident(
      incident,
      {
        searchLogs: async (q) => (await t.app.store.logRecords.search(q)).records,
        recentDeploys: async () => [],
        trafficByShape: (service, from, to) => spanTraffic(t.app.store, service, from, to),
      },
      { now },
    );
    const shift = d.hypotheses.find((h) => h.kind === "traffic_shift");
    expect(shift, d.summary).toBeDefined();
    expect(shift!.evidence[0]!.data as TrafficShiftData).toMatchObject({
      shape: "GET /items/{int} ?expand=str",
      change: "new",
      before: { requests: 0 },
      after: { errors: 10 },
      errorShare: 1,
      errorsByRelease: {}, // spans do not say which release answered
    });
    expect(d.hypotheses.some((h) => h.kind === "deploy_regression")).toBe(false);
  });
});
