import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/support/test-app.js";

const SECRET = "a-webhook-secret-of-some-length";
let t: TestApp;
let operator: string;
let viewer: string;

beforeAll(async () => {
  t = await startTestApp();
  t.app.config.config.alerts.webhook_secret = SECRET;
  operator = (await t.app.store.tokens.create("op", "operator")).token;
  viewer = (await t.app.store.tokens.create("viewer", "viewer")).token;
});
afterAll(() => t?.dispose());

const alert = (i: number, status: "firing" | "resolved", over: Record<string, unknown> = {}) => ({
  status,
  labels: { alertname: "HighErrors", job: "api", instance: `i${i}`, severity: "critical" },
  annotations: { summary: `errors on i${i}` },
  startsAt: "2026-11-22T10:00:00Z",
  endsAt: status === "resolved" ? "2026-11-22T10:05:00Z" : "0001-01-01T00:00:00Z",
  generatorURL: "http://prometheus/graph",
  fingerprint: `f${i}`.padEnd(16, "0"),
  ...over,
});
const payload = (alerts: unknown[], status = "firing") => ({
  version: "4",
  groupKey: '{}:{alertname="HighErrors"}',
  truncatedAlerts: 0,
  status,
  receiver: "pitcrew",
  groupLabels: { alertname: "HighErrors" },
  commonLabels: {},
  commonAnnotations: {},
  externalURL: "http://alertmanager",
  alerts,
});
const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${operator}` }) =>
  t.server.inject({
    method: "POST",
    url: "/api/alerts/alertmanager",
    headers: { "content-type": "application/json", ...headers },
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
const events = async () => (await t.app.events.list({ subjectPrefix: "alert:" })).map((e) => [e.type, e.subject]);

describe("Alertmanager webhook", () => {
  it("stores alerts by fingerprint, emits once per state change, and resolves", async () => {
    const first = await post(payload([alert(1, "firing"), alert(2, "firing")]));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ received: 2, changed: 2 });
    expect((await post(payload([alert(1, "firing")]))).json()).toEqual({ received: 1, changed: 0 });
    expect((await post(payload([alert(1, "resolved")], "resolved"))).json()).toEqual({ received: 1, changed: 1 });
    expect(await events()).toEqual([
      ["alert.firing", "alert:f100000000000000"],
      ["alert.firing", "alert:f200000000000000"],
      ["alert.resolved", "alert:f100000000000000"],
    ]);
    const [resolved] = await t.app.events.list({ type: "alert.resolved" });
    expect(resolved!.data).toEqual({
      fingerprint: "f100000000000000",
      name: "HighErrors",
      status: "resolved",
      labels: { alertname: "HighErrors", job: "api", instance: "i1", severity: "critical" },
      annotations: { summary: "errors on i1" },
      severity: "critical",
      service: "api",
      startsAt: "2026-11-22T10:00:00.000Z",
      endsAt: "2026-11-22T10:05:00.000Z",
      source: "alertmanager",
    });
    const list = await t.server.inject({
      url: "/api/alerts?status=firing",
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(list.json().alerts.map((a: { fingerprint: string }) => a.fingerprint)).toEqual(["f200000000000000"]);
  });

  it("rejects invalid, oversized and unauthenticated bodies without storing anything", async () => {
    const before = (await t.app.store.alerts.list()).length;
    const bad = await post(payload([alert(3, "firing"), alert(4, "firing", { startsAt: "yesterday" })]));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/alerts\.1\.startsAt/);
    expect((await post(payload([alert(3, "firing")]), {})).statusCode).toBe(401);
    expect((await post(payload([alert(3, "firing")]), { authorization: `Bearer ${viewer}` })).statusCode).toBe(403);
    const many = Array.from({ length: 120_000 }, (_, i) => alert(i, "firing"));
    const huge = JSON.stringify(payload(many));
    expect(huge.length).toBeGreaterThan(20 * 1024 * 1024);
    const big = await post(huge);
    expect(big.statusCode).toBe(413);
    expect((await t.app.store.alerts.list()).length).toBe(before);
  });

  it("accepts an HMAC-signed body instead of a token", async () => {
    const body = JSON.stringify(payload([alert(5, "firing")]));
    const sig = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    expect((await post(body, { "x-pitcrew-signature": sig })).json()).toEqual({ received: 1, changed: 1 });
    expect((await post(body, { "x-pitcrew-signature": `sha256=${"0".repeat(64)}` })).statusCode).toBe(401);
  });
});
