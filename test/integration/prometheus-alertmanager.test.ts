/**
 * The alerting chain with the real things: a sample service on loopback → Prometheus scrapes it
 * and evaluates a rule → Alertmanager groups the alert and posts its webhook → pitcrew stores the
 * alert and emits `alert.firing`; the service recovers → `alert.resolved`. Takes ~15 s.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DomainEvent } from "../../src/events/index.js";
import { labelsFingerprint } from "../../src/observe/index.js";
import { prometheusAvailable, type RunningProcess, startAlertmanager, startPrometheus } from "../support/prometheus.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const RULES = `groups:
  - name: sample
    rules:
      - alert: HighErrorRate
        expr: rate(sample_errors_total[3s]) > 1
        for: 1s
        labels: { severity: critical }
        annotations: { summary: "{{ $labels.job }} fails {{ $value }} times/s" }
`;

describe.skipIf(!(await prometheusAvailable(true)))("Prometheus → Alertmanager → pitcrew webhook", () => {
  let t: TestApp;
  let sample: Server;
  let errors = 0;
  let failing: NodeJS.Timeout | undefined;
  const procs: RunningProcess[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await t.server.listen({ port: 0, host: "127.0.0.1" });
    const port = (t.server.server.address() as AddressInfo).port;
    const operator = (await t.app.store.tokens.create("alertmanager", "operator")).token;
    sample = createServer((_req, res) =>
      res.end(`# TYPE sample_errors_total counter\nsample_errors_total ${errors}\n`),
    );
    await new Promise<void>((r) => sample.listen(0, "127.0.0.1", r));
    const am = await startAlertmanager({
      webhookUrl: `http://127.0.0.1:${port}/api/alerts/alertmanager`,
      token: operator,
    });
    procs.push(am);
    const target = `127.0.0.1:${(sample.address() as AddressInfo).port}`;
    procs.push(await startPrometheus({ targets: { sample: target }, rules: RULES, alertmanager: am.url }));
  }, 60_000);

  afterAll(async () => {
    clearInterval(failing);
    for (const p of procs) await p.stop();
    await new Promise((r) => sample?.close(r));
    await t?.dispose();
  });

  const waitFor = async (type: string, timeoutMs = 40_000): Promise<DomainEvent> => {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const [e] = await t.app.events.list({ type });
      if (e) return e;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`no ${type} event within ${timeoutMs} ms`);
  };

  it("stores the alert and emits alert.firing, then alert.resolved when the service recovers", async () => {
    failing = setInterval(() => {
      errors += 1;
    }, 100);
    const firing = await waitFor("alert.firing");
    const instance = `127.0.0.1:${(sample.address() as AddressInfo).port}`;
    // Alertmanager's fingerprint (carried in the webhook) equals pitcrew's for the same labels.
    const fp = labelsFingerprint({ alertname: "HighErrorRate", instance, job: "sample", severity: "critical" });
    expect(firing.subject).toBe(`alert:${fp}`);
    expect(firing.data).toMatchObject({
      fingerprint: fp,
      name: "HighErrorRate",
      status: "firing",
      severity: "critical",
      service: "sample",
      endsAt: null,
      source: "alertmanager",
      annotations: { summary: expect.stringMatching(/^sample fails [\d.]+ times\/s$/) },
    });
    expect(Date.parse(firing.data.startsAt as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(await t.app.store.alerts.get(fp)).toMatchObject({ status: "firing", source: "alertmanager" });

    clearInterval(failing);
    const resolved = await waitFor("alert.resolved");
    expect(resolved.subject).toBe(`alert:${fp}`);
    expect(resolved.data).toMatchObject({ fingerprint: fp, status: "resolved", endsAt: expect.any(String) });
    expect(await t.app.store.alerts.get(fp)).toMatchObject({ status: "resolved" });
    expect((await t.app.events.list({ subjectPrefix: "alert:" })).map((e) => e.type)).toEqual([
      "alert.firing",
      "alert.resolved",
    ]);
  }, 90_000);
});
