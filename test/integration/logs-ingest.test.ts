import { createHmac } from "node:crypto";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogRecord } from "../../src/store/repositories/log-records-repo.js";
import { followLogFile } from "../../src/observe/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const SECRET = "an-ingest-secret-of-some-length";

describe.each(await testDialects())("log ingest and search over HTTP on %s", (dialect, make) => {
  let t: TestApp;
  let tdb: TestDatabase | undefined;
  let operator: string;
  let viewer: string;
  const hooked: LogRecord[][] = [];

  beforeAll(async () => {
    if (dialect === "postgres") tdb = await make();
    t = await startTestApp({ databaseUrl: tdb?.database.description });
    t.app.config.config.observe.ingest_secret = SECRET;
    operator = (await t.app.store.tokens.create("op", "operator")).token;
    viewer = (await t.app.store.tokens.create("viewer", "viewer")).token;
    t.app.observation.logs.onLogRecords((batch) => hooked.push(batch));
  });
  afterAll(async () => {
    await t?.dispose();
    await tdb?.dispose();
  });

  const ingest = (payload: string, headers: Record<string, string> = {}, url = "/api/logs/ingest") =>
    t.server.inject({
      method: "POST",
      url,
      headers: { "content-type": "application/x-ndjson", authorization: `Bearer ${operator}`, ...headers },
      payload,
    });
  const search = async (qs: string) =>
    (await t.server.inject({ url: `/api/logs?${qs}`, headers: { authorization: `Bearer ${viewer}` } })).json();

  it("stores NDJSON lines and JSON arrays, emits one event per request and calls the hooks", async () => {
    const lines = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ ts: 1795000000000 + i, level: i % 10 === 0 ? "error" : "info", msg: `req ${i}`, route: "/pay" }),
    );
    const res = await ingest(lines.join("\n"), {}, "/api/logs/ingest?service=checkout");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ accepted: 300 });
    const arr = await t.server.inject({
      method: "POST",
      url: "/api/logs/ingest",
      headers: { authorization: `Bearer ${operator}` },
      payload: [
        {
          time: "2026-11-22T10:00:00Z",
          service: "db",
          severity: "WARNING",
          message: "slow query",
          trace_id: "f".repeat(32),
        },
      ],
    });
    expect(arr.json()).toEqual({ accepted: 1 });
    const events = await t.app.events.list({ type: "logs.ingested" });
    expect(events.at(-2)!.data).toEqual({
      source: "http",
      count: 300,
      services: { checkout: 300 },
      levels: { error: 30, info: 270 },
    });
    expect(hooked.map((b) => b.length)).toEqual([300, 1]);
  });

  it("searches by service, level (or worse), time, trace id and text, with a stable cursor", async () => {
    expect((await search("service=checkout&level=warn&limit=1000")).records).toHaveLength(30);
    expect((await search("level=warn&limit=1000")).records).toHaveLength(31);
    const one = await search(`traceId=${"F".repeat(32)}`);
    expect(one.records).toEqual([
      expect.objectContaining({ service: "db", level: "warn", message: "slow query", at: "2026-11-22T10:00:00.000Z" }),
    ]);
    expect((await search("q=REQ%2012&service=checkout")).records.map((r: { message: string }) => r.message)).toEqual([
      "req 129",
      "req 128",
      "req 127",
      "req 126",
      "req 125",
      "req 124",
      "req 123",
      "req 122",
      "req 121",
      "req 120",
      "req 12",
    ]);
    const window = await search(`since=${1795000000100}&until=${new Date(1795000000200).toISOString()}&limit=1000`);
    expect(window.records).toHaveLength(100);
    const ids: number[] = [];
    let next = "";
    do {
      const page = await search(`service=checkout&limit=70${next ? `&cursor=${next}` : ""}`);
      ids.push(...page.records.map((r: { id: number }) => r.id));
      next = page.next;
    } while (next);
    expect(new Set(ids).size).toBe(300);
    expect(
      (await t.server.inject({ url: "/api/logs?cursor=nope", headers: { authorization: `Bearer ${viewer}` } }))
        .statusCode,
    ).toBe(400);
  });

  it("accepts OTLP/HTTP JSON logs and names the problem of an invalid export", async () => {
    const body = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "cart" } }] },
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: "1795000000000000000", severityNumber: 13, body: { stringValue: "retrying" } },
              ],
            },
          ],
        },
      ],
    };
    const post = (payload: unknown) =>
      t.server.inject({
        method: "POST",
        url: "/v1/logs",
        headers: { authorization: `Bearer ${operator}` },
        payload: payload as object,
      });
    expect((await post(body)).statusCode).toBe(200);
    expect((await search("service=cart")).records[0]).toMatchObject({
      level: "warn",
      message: "retrying",
      source: "otlp",
    });
    const proto = await t.server.inject({
      method: "POST",
      url: "/v1/logs",
      headers: { authorization: `Bearer ${operator}`, "content-type": "application/x-protobuf" },
      payload: Buffer.from([1, 2, 3]),
    });
    expect(proto.statusCode).toBe(400);
    expect(proto.json().error.message).toMatch(/invalid OTLP protobuf logs body/);
    const bad = await post({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 99 }] }] }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(
      /invalid OTLP logs: body.resourceLogs.0.scopeLogs.0.logRecords.0.severityNumber/,
    );
  });

  it("rejects a request with one bad record without storing any of it", async () => {
    const res = await ingest(`{"service":"atomic","msg":"fine"}\n{"service":"atomic","time":"not a time"}\n`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/1 invalid log record\(s\), nothing stored: line 2: unreadable time/);
    expect((await search("service=atomic")).records).toHaveLength(0);
  });

  it("truncates giant messages with a marker and refuses bodies over the server limit", async () => {
    const res = await ingest(JSON.stringify({ service: "big", msg: "y".repeat(200_000) }));
    expect(res.statusCode).toBe(200);
    const [r] = (await search("service=big")).records;
    expect(r.message).toMatch(/^y{65536}…\[truncated 134464 bytes\]$/);
    const huge = await ingest("x".repeat(20 * 1024 * 1024));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe("too_large");
  });

  it("needs an operator token or a valid signature", async () => {
    const payload = '{"service":"signed","msg":"hi"}';
    expect((await ingest(payload, { authorization: "" })).statusCode).toBe(401);
    expect((await ingest(payload, { authorization: `Bearer ${viewer}` })).statusCode).toBe(403);
    const sig = `sha256=${createHmac("sha256", SECRET).update(payload).digest("hex")}`;
    expect((await ingest(payload, { authorization: "", "x-pitcrew-signature": "sha256=00" })).statusCode).toBe(401);
    expect((await ingest(payload, { authorization: "", "x-pitcrew-signature": sig })).statusCode).toBe(200);
    expect((await search("service=signed")).records).toHaveLength(1);
  });

  it("follows a process's log file into the store in batches", async () => {
    const path = join(t.dataDir, "worker.log");
    writeFileSync(path, "");
    const tail = followLogFile(t.app.observation.logs, t.app.log, path, "worker", { pollMs: 20 });
    appendFileSync(path, 'starting\n{"level":"error","msg":"queue stuck"}\nWARNING: slow\n');
    await tail.poll();
    await tail.stop();
    for (let i = 0; i < 50 && (await search("service=worker")).records.length < 3; i++)
      await new Promise((r) => setTimeout(r, 20));
    const records = (await search("service=worker")).records;
    expect(
      records.map((r: { level: string; message: string; source: string }) => [r.level, r.message, r.source]).sort(),
    ).toEqual([
      ["error", "queue stuck", "file"],
      ["info", "starting", "file"],
      ["warn", "WARNING: slow", "file"],
    ]);
  });
});
