import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLogObservation } from "../../src/app/observe-logs.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describe.each(await testDialects())("incidents from alerts and anomalies on %s", (dialect, make) => {
  let t: TestApp;
  let tdb: TestDatabase | undefined;
  let stop: () => void;
  let operator: string;
  let viewer: string;
  const now = Date.now();

  beforeAll(async () => {
    if (dialect === "postgres") tdb = await make();
    t = await startTestApp({ databaseUrl: tdb?.database.description });
    operator = (await t.app.store.tokens.create("op", "operator")).token;
    viewer = (await t.app.store.tokens.create("viewer", "viewer")).token;
    stop = startLogObservation(t.app);
    // api calls db (traced): the two are adjacent in the dependency graph.
    const span = (spanId: string, parent: string | null, service: string, kind: "client" | "server") => ({
      traceId: "a".repeat(32),
      spanId,
      parentSpanId: parent,
      service,
      name: "q",
      kind,
      startAt: now - 1000,
      durationUs: 1000,
      error: false,
      peerService: null,
      attributes: {},
    });
    await t.app.store.spans.insertMany([
      span("1".repeat(16), null, "api", "client"),
      span("2".repeat(16), "1".repeat(16), "db", "server"),
    ]);
  });
  afterAll(async () => {
    stop?.();
    await t?.dispose();
    await tdb?.dispose();
  });

  const settle = () => t.app.incidents.catchUp();
  const alert = (type: "alert.firing" | "alert.resolved", fingerprint: string, service: string, severity = "warning") =>
    t.app.events.emit(
      type,
      { kind: "alert", key: fingerprint },
      {
        fingerprint,
        name: `High${fingerprint}`,
        status: type === "alert.firing" ? "firing" : "resolved",
        labels: { alertname: `High${fingerprint}`, service },
        annotations: {},
        severity,
        service,
        startsAt: new Date(now).toISOString(),
        endsAt: type === "alert.resolved" ? new Date(now + 5000).toISOString() : null,
        source: "rules",
      },
    );
  const anomaly = (series: string, service: string, score: number) =>
    t.app.events.emit(
      "anomaly.detected",
      { kind: "series", key: series },
      {
        series,
        service,
        signal: "latency",
        score,
        explanation: "z=9",
        at: now,
      },
    );
  const call = (method: "GET" | "POST", url: string, token = operator) =>
    t.server.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
  const incident = async (id: number) => (await call("GET", `/api/incidents/${id}`, viewer)).json();

  it("opens one incident per underlying problem and groups related signals into it", async () => {
    const first = await alert("alert.firing", "fp2", "db", "critical");
    await alert("alert.firing", "fp1", "api", "warning"); // api calls db: a symptom of db's incident
    await alert("alert.firing", "fp1", "api", "warning"); // re-notified: a duplicate
    await anomaly("api:latency", "api", 0.5); // too weak
    await anomaly("api:latency", "api", 0.95); // same service
    await alert("alert.firing", "fp3", "mail"); // unrelated
    await settle();
    await t.app.incidents.apply(first); // the same event seen twice changes nothing

    const list = (await call("GET", "/api/incidents", viewer)).json();
    expect(list.incidents.map((i: { title: string; status: string }) => [i.title, i.status])).toEqual([
      ["Highfp3 on mail", "open"],
      ["Highfp2 on db", "open"],
    ]);
    const [, main] = list.incidents;
    const detail = await incident(main.id);
    expect(detail).toMatchObject({ services: ["db", "api"], severity: "critical", status: "open" });
    expect(detail.signals.map((s: { kind: string; key: string }) => `${s.kind}:${s.key}`)).toEqual([
      "alert:fp2",
      "alert:fp1",
      "anomaly:api:latency",
    ]);
    expect(detail.timeline.map((e: { type: string; data: { reason?: string } }) => [e.type, e.data.reason])).toEqual([
      ["signal", undefined],
      ["opened", undefined],
      ["signal", "called service"],
      ["signal", "same service"],
    ]);
    const events = await t.app.events.list({ subjectPrefix: `incident:${main.id}` });
    expect(events.map((e) => e.type)).toEqual(["incident.opened", "incident.updated", "incident.updated"]);
    expect((await call("GET", "/api/incidents?service=db", viewer)).json().incidents).toHaveLength(1);
    const page = (await call("GET", "/api/incidents?limit=1", viewer)).json();
    expect((await call("GET", `/api/incidents?limit=1&cursor=${page.next}`, viewer)).json().incidents[0].id).toBe(
      main.id,
    );
  });

  it("acknowledges by hand, then resolves itself when all its alerts have resolved", async () => {
    const [, main] = (await call("GET", "/api/incidents?status=open", viewer)).json().incidents;
    expect((await call("POST", `/api/incidents/${main.id}/ack`, viewer)).statusCode).toBe(403);
    const acked = await call("POST", `/api/incidents/${main.id}/ack`);
    expect(acked.json()).toMatchObject({ status: "acknowledged", acknowledgedBy: "token:op" });
    const again = await call("POST", `/api/incidents/${main.id}/ack`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/is acknowledged; it cannot become acknowledged/);

    await alert("alert.resolved", "fp1", "api");
    await settle();
    expect((await incident(main.id)).status).toBe("acknowledged"); // fp2 still fires
    await alert("alert.resolved", "fp2", "db");
    await settle();
    const done = await incident(main.id);
    expect(done).toMatchObject({ status: "resolved", resolvedBy: "auto" });
    expect(
      done.timeline.slice(-4).map((e: { type: string; data: { reason?: string } }) => [e.type, e.data.reason]),
    ).toEqual([
      ["transition", "acknowledged"],
      ["signal_resolved", undefined],
      ["signal_resolved", undefined],
      ["transition", "all alerts resolved"],
    ]);
    const types = (await t.app.events.list({ subjectPrefix: `incident:${main.id}` })).map((e) => e.type);
    expect(types.slice(-4)).toEqual([
      "incident.acknowledged",
      "incident.updated",
      "incident.updated",
      "incident.resolved",
    ]);

    // A new firing of a resolved alert opens a new incident rather than reviving the old one.
    await alert("alert.firing", "fp1", "api");
    await settle();
    expect((await call("GET", "/api/incidents?status=open&service=api", viewer)).json().incidents).toHaveLength(1);
  });

  it("resolves by hand, refuses a second resolve, and catches up with events missed while stopped", async () => {
    const mail = (await call("GET", "/api/incidents?service=mail", viewer)).json().incidents[0];
    expect((await call("POST", `/api/incidents/${mail.id}/resolve`)).json()).toMatchObject({
      status: "resolved",
      resolvedBy: "token:op",
    });
    expect((await call("POST", `/api/incidents/${mail.id}/resolve`)).statusCode).toBe(409);
    expect((await call("POST", "/api/incidents/99999/ack")).statusCode).toBe(404);

    stop();
    await alert("alert.firing", "fp9", "billing");
    stop = startLogObservation(t.app);
    await settle();
    const billing = (await call("GET", "/api/incidents?service=billing", viewer)).json().incidents;
    expect(billing).toHaveLength(1);
  });
});
