import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/support/test-app.js";
import { diagnoseIncident, type RecentDeploy } from "../../diagnose/index.js";
import type { Incident } from "../../store/index.js";
import type { Forge } from "../../forge/index.js";
import type { Heal } from "../../store/repositories/heals-repo.js";
import type { HealContext } from "../heal-actions.js";
import { diagnoseWithEvidence } from "./diagnose-with-evidence.js";
import { type HealDelivery, serviceHealActions } from "./service-heal-actions.js";

const TRACE =
  "TypeError: Cannot read properties of undefined (reading 'name')\n" +
  "    at expand (/srv/app/lib/server/router/plural.js:212:55)\n" +
  "    at Array.forEach (<anonymous>)\n" +
  "    at show (/srv/app/lib/server/router/plural.js:205:13)";

describe("diagnosis that waits for its evidence", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.dispose());

  const openIncident = async (service: string): Promise<Incident> => {
    const at = Date.now();
    const signal = { kind: "anomaly" as const, key: `a-${service}`, service, status: "firing" as const, data: {}, at };
    return t.app.store.incidents.open({ title: "error ratio", service, severity: "warning", at }, signal, []);
  };
  const depsFor = (deploys: RecentDeploy[] = [], waitMs = 5_000) => {
    let reads = 0;
    return {
      reads: () => reads,
      deps: {
        clock: t.app.clock,
        incident: (id: number) => t.app.store.incidents.get(id),
        diagnose: async (incident: Incident) => {
          reads++;
          return diagnoseIncident(
            incident,
            {
              searchLogs: async (q) => (await t.app.store.logRecords.search(q)).records,
              recentDeploys: async () => deploys,
            },
            { now: Date.now() },
          );
        },
        waitMs,
        retryMs: 100,
      },
    };
  };
  const crashLog = (service: string) => ({
    at: Date.now(),
    service,
    level: "info",
    message: TRACE,
    traceId: null,
    spanId: null,
    attributes: {},
    source: "file" as const,
  });

  it("reads the logs again until the stack trace that arrived after the incident is stored", async () => {
    const incident = await openIncident("posts");
    const { deps, reads } = depsFor();
    const later = setTimeout(() => void t.app.observation.logs.ingest([crashLog("posts")], "file"), 400);
    try {
      const d = await diagnoseWithEvidence(deps, incident, new AbortController().signal);
      expect(d.trace).toContain("TypeError: Cannot read properties of undefined");
      expect(d.hypotheses[0]).toMatchObject({ kind: "code_bug" });
      expect(reads()).toBeGreaterThan(1);
      expect(Date.now() - incident.openedAt).toBeLessThan(5_000);
    } finally {
      clearTimeout(later);
    }
  });

  it("gives up after the wait with no evidence, and does not hold back a likely deploy regression", async () => {
    const quiet = await openIncident("quiet");
    const waited = depsFor([], 500);
    const d = await diagnoseWithEvidence(waited.deps, quiet, new AbortController().signal);
    expect(d.hypotheses).toEqual([]);
    expect(Date.now() - quiet.openedAt).toBeGreaterThanOrEqual(500);

    const released = await openIncident("released");
    const deploy = { service: "released", environment: "production", release: "4", at: Date.now() - 60_000 };
    const prompt = depsFor([deploy]);
    const r = await diagnoseWithEvidence(prompt.deps, released, new AbortController().signal);
    expect(r.hypotheses[0]).toMatchObject({ kind: "deploy_regression", confidence: 0.95 });
    expect(prompt.reads()).toBe(1); // the rollback starts at once; the repair reads the logs again
  });
  it("reads on while a release that served clean before the error is blamed on too few errors, until they clear it", async () => {
    // release 7 served all traffic for 20 s; then 3 crashes in 0.5 s, a stack trace among them: too few to tell
    const incident = await openIncident("shifted");
    const at = incident.openedAt;
    const deploy = { service: "shifted", environment: "production", release: "7", at: at - 21_000 };
    const crashes = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ ...crashLog("shifted"), at: from + i * 250 }));
    await t.app.observation.logs.ingest(crashes(at - 1_000, 3), "file");
    const { deps, reads } = depsFor([deploy]);
    const first = await deps.diagnose(incident);
    expect(first.hypotheses[0]).toMatchObject({ kind: "deploy_regression", confidence: 0.95 });
    expect(first.hypotheses[0]!.evidence[0]!.data).toMatchObject({ tooFewErrors: { errors: 3, cleanMs: 20_000 } });
    // the errors go on at the same rate: 12 more within the next 3 s clear the release
    const later = setTimeout(() => void t.app.observation.logs.ingest(crashes(at - 250, 12), "file"), 300);
    try {
      const d = await diagnoseWithEvidence(deps, incident, new AbortController().signal);
      expect(d.hypotheses[0]).toMatchObject({ kind: "code_bug" });
      const regression = d.hypotheses.find((h) => h.kind === "deploy_regression")!;
      expect(regression.confidence).toBe(0.2);
      expect(regression.explanation).toContain("did not bring the error");
      expect(reads()).toBeGreaterThan(2);
    } finally {
      clearTimeout(later);
    }
  });

  it("rolls back at once when the count blames the release, and after the wait when the errors stay too few", async () => {
    // live 1 s before the error, which then came 3 times a second: ≈ 4 expected in that second, not enough to clear it
    const incident = await openIncident("broken");
    const at = incident.openedAt;
    const deploy = { service: "broken", environment: "production", release: "8", at: at - 2_000 };
    await t.app.observation.logs.ingest(
      Array.from({ length: 4 }, (_, i) => ({ ...crashLog("broken"), at: at - 1_000 + i * 333 })),
      "file",
    );
    const prompt = depsFor([deploy]);
    const d = await diagnoseWithEvidence(prompt.deps, incident, new AbortController().signal);
    expect(d.hypotheses[0]).toMatchObject({ kind: "deploy_regression", confidence: 0.95 });
    expect(d.hypotheses[0]!.evidence[0]!.data!.tooFewErrors).toBeUndefined();
    expect(prompt.reads()).toBe(1);

    // one error 20 s after a release, and no more: too few to tell until the wait ends, then the blame stands
    const lone = await openIncident("lone");
    const quiet = { service: "lone", environment: "production", release: "9", at: lone.openedAt - 21_000 };
    await t.app.observation.logs.ingest([{ ...crashLog("lone"), at: lone.openedAt - 1_000 }], "file");
    const waited = depsFor([quiet], 600);
    const w = await diagnoseWithEvidence(waited.deps, lone, new AbortController().signal);
    expect(w.hypotheses[0]).toMatchObject({ kind: "deploy_regression", confidence: 0.95 });
    expect(w.hypotheses[0]!.evidence[0]!.data).toMatchObject({ tooFewErrors: { errors: 1 } });
    expect(Date.now() - lone.openedAt).toBeGreaterThanOrEqual(600);
    expect(waited.reads()).toBeGreaterThan(1);
  });

  it("repairs from the logs as they are now when the stored diagnosis had no stack trace yet", async () => {
    const incident = await openIncident("rolled");
    const deploy = { service: "rolled", environment: "production", release: "5", at: Date.now() - 60_000 };
    const { deps } = depsFor([deploy]);
    const early = await diagnoseWithEvidence(deps, incident, new AbortController().signal);
    expect(early.trace).toBeUndefined(); // the release is blamed at once, before any trace is stored
    await t.app.observation.logs.ingest([crashLog("rolled")], "file");
    const asked: Array<string | undefined> = [];
    const delivery = { recentDeploys: async () => [deploy] } as unknown as HealDelivery;
    const actions = serviceHealActions({
      store: t.app.store,
      forge: {} as Forge,
      clock: t.app.clock,
      delivery,
      repairer: {
        repair: async (req) => {
          asked.push(req.diagnosis.trace);
          return { none: "recorded" };
        },
      },
      verifyWindowMs: 1_000,
      anomalyThreshold: 0.9,
    });
    const data: Record<string, unknown> = { diagnosis: { kind: "deploy_regression", report: early } };
    const ctx: HealContext = {
      heal: { id: 1, service: "rolled", data, attempts: 1 } as unknown as Heal,
      incident,
      signal: new AbortController().signal,
      progress: async (d) => void Object.assign(data, d),
    };
    await actions.repair(ctx);
    expect(asked[0]).toContain("TypeError: Cannot read properties of undefined");
    expect(data.diagnosis).toMatchObject({ kind: "deploy_regression", report: { trace: expect.any(String) } });
  });
});
