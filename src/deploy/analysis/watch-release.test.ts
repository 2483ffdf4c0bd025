/**
 * The post-deploy watch with real parts: alerts stored in SQLite and announced by the real
 * AlertRecorder through the event log on the memory bus; traffic through the built-in router to
 * real HTTP backends. Windows are long where an alert or the judge must end the watch early.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../../../test/support/databases.js";
import { createMemoryBus, EventLog } from "../../events/index.js";
import { AlertRecorder, labelsFingerprint } from "../../observe/index.js";
import { type Alert, AlertsRepo } from "../../store/repositories/alerts-repo.js";
import { EventsRepo } from "../../store/repositories/events-repo.js";
import { createBuiltinRouter } from "../routers/builtin/builtin-router.js";
import type { TrafficRouter } from "../routers/traffic-router.js";
import { knownAlertsOf } from "./known-alerts.js";
import { type WatchDeps, watchRelease } from "./watch-release.js";

let tdb: TestDatabase;
let recorder: AlertRecorder;
let deps: WatchDeps;
let router: TrafficRouter;
const servers: Server[] = [];

async function backend(delayMs: number): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    setTimeout(() => res.writeHead(200).end("ok"), delayMs);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function send(url: string, n: number): Promise<void> {
  let left = n;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (left-- > 0) await (await fetch(url)).arrayBuffer();
    }),
  );
}

function alert(name: string, status: Alert["status"], labels: Record<string, string>): Alert {
  const all = { alertname: name, ...labels };
  return {
    fingerprint: labelsFingerprint(all),
    name,
    status,
    source: "pitcrew-rules",
    labels: all,
    annotations: {},
    value: null,
    activeAt: 1,
    startsAt: 1,
    endsAt: status === "resolved" ? 2 : null,
    updatedAt: 2,
  };
}

beforeAll(async () => {
  tdb = await createSqliteTestDatabase();
  const db = tdb.database.db;
  const bus = createMemoryBus();
  const alerts = new AlertsRepo(db);
  recorder = new AlertRecorder(alerts, new EventLog(new EventsRepo(db), bus, { now: () => Date.now() }));
  router = createBuiltinRouter();
  deps = { bus, router, knownAlerts: knownAlertsOf(alerts) };
  // An alert of the service that fired and resolved before the new release.
  await recorder.record([alert("HighErrors", "firing", { service: "shop", severity: "warning" })]);
  await recorder.record([alert("HighErrors", "resolved", { service: "shop", severity: "warning" })]);
});
afterAll(async () => {
  await router.close();
  for (const s of servers) s.close();
  await tdb.dispose();
});

const opts = { service: "shop", environment: "prod", releaseId: "v2", windowMs: 60_000 };

describe("watchRelease", () => {
  it("regresses when a known alert of the service fires again", async () => {
    const watching = watchRelease(deps, opts);
    await recorder.record([alert("Other", "firing", { service: "cart", severity: "critical" })]);
    await recorder.record([alert("HighErrors", "firing", { service: "shop", severity: "warning" })]);
    const r = await watching;
    expect(r.verdict).toBe("regressed");
    expect(r.reason).toBe("alert HighErrors on shop fired again after release v2");
    expect(r.event?.type).toBe("alert.firing");
  });

  it("misses no alert published while the service's name is still being read", async () => {
    let named = (_: string) => {};
    const service = new Promise<string>((resolve) => {
      named = resolve;
    });
    const watching = watchRelease(deps, { ...opts, service });
    await recorder.record([alert("Crash", "firing", { service: "shop", severity: "critical" })]);
    named("shop");
    // stored before the known alerts are read, it is counted as known: a re-fire, a regression either way
    expect(await watching).toMatchObject({ verdict: "regressed", reason: expect.stringMatching(/Crash on shop/) });
  });

  it("regresses on a new critical alert, not on a new warning or another environment's", async () => {
    const watching = watchRelease(deps, opts);
    await recorder.record([alert("SlowCheckout", "firing", { service: "shop", severity: "warning" })]);
    await recorder.record([alert("Down", "firing", { service: "shop", severity: "critical", environment: "staging" })]);
    await recorder.record([alert("Down", "firing", { service: "shop", severity: "critical", environment: "prod" })]);
    const r = await watching;
    expect(r.reason).toBe("new critical alert Down on shop after release v2");
  });

  it("is healthy when the window passes quietly", async () => {
    const r = await watchRelease(deps, { ...opts, windowMs: 300 });
    expect(r).toMatchObject({ verdict: "healthy", reason: "no re-firing or critical alert on shop for 300 ms" });
  });

  it("regresses when the judge finds the release slower than the previous one", async () => {
    const [fast, slow] = [await backend(0), await backend(60)];
    await router.setBackends("prod", [{ releaseId: "v1", weight: 100, upstreams: [fast] }]);
    await send(router.url("prod"), 100);
    await router.setBackends("prod", [{ releaseId: "v2", weight: 100, upstreams: [slow] }]);
    const watching = watchRelease(deps, { ...opts, baselineReleaseId: "v1", judgeEveryMs: 200 });
    let done = false;
    void watching.finally(() => {
      done = true;
    });
    while (!done) await send(router.url("prod"), 8);
    const r = await watching;
    expect(r.verdict).toBe("regressed");
    expect(r.reason).toMatch(/latency \d+\.\d× baseline .*\(release v2 vs v1\)$/);
  });

  it("judges the error rate alone when told to: a slower release with no more errors stays healthy", async () => {
    const [fast, slow] = [await backend(0), await backend(60)];
    await router.setBackends("prod", [{ releaseId: "v3", weight: 100, upstreams: [fast] }]);
    await send(router.url("prod"), 100);
    await router.setBackends("prod", [{ releaseId: "v4", weight: 100, upstreams: [slow] }]);
    const watching = watchRelease(deps, {
      ...opts,
      releaseId: "v4",
      baselineReleaseId: "v3",
      windowMs: 3_000,
      judgeEveryMs: 200,
      judged: "errors",
    });
    let done = false;
    void watching.finally(() => {
      done = true;
    });
    while (!done) await send(router.url("prod"), 8);
    const r = await watching;
    expect(r.verdict).toBe("healthy");
    // no latency verdict at all; the error rate passes once enough requests rule a rise out
    expect(r.judged?.map((x) => x.name)).toEqual(["judge-errors"]);
    expect(r.judged?.[0]?.status).not.toBe("fail");
  });

  it("rejects a bad window and stops when aborted", async () => {
    await expect(watchRelease(deps, { ...opts, windowMs: 0 })).rejects.toThrow(/positive number of ms/);
    const abort = new AbortController();
    const watching = watchRelease(deps, { ...opts, signal: abort.signal });
    abort.abort(new Error("stopping"));
    await expect(watching).rejects.toThrow("stopping");
  });
});
