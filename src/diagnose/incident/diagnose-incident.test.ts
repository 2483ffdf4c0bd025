import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/support/test-app.js";
import type { Incident } from "../../store/repositories/incidents-repo.js";
import { diagnoseIncident, type IncidentEvidence, type RecentDeploy } from "./diagnose-incident.js";

const NODE_STACK = [
  "TypeError: Cannot read properties of undefined (reading 'price')",
  "    at lineTotal (/srv/cart/src/cart.mjs:42:31)",
  "    at Array.map (<anonymous>)",
  "    at cartTotal (/srv/cart/src/cart.mjs:50:22)",
  "    at Server.<anonymous> (/srv/cart/src/server.mjs:18:20)",
].join("\n");

describe("diagnoseIncident", () => {
  let t: TestApp;
  let deploys: RecentDeploy[] = [];
  const now = Date.now();
  const incident = (service: string): Incident => ({
    id: 1,
    status: "open",
    title: "HighErrorRate",
    service,
    services: [service],
    severity: "critical",
    version: 1,
    openedAt: now - 1_000,
    lastSignalAt: now - 1_000,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    updatedAt: now,
  });
  const evidence = (): IncidentEvidence => ({
    searchLogs: async (q) => (await t.app.store.logRecords.search(q)).records,
    recentDeploys: async (service, since, until) =>
      deploys.filter((d) => d.service === service && d.at >= since && d.at <= until),
  });
  const log = (
    service: string,
    level: string,
    message: string,
    attributes: Record<string, unknown> = {},
    at = now - 30_000,
  ) => ({
    at,
    service,
    level,
    message,
    traceId: null,
    spanId: null,
    attributes,
    source: "http" as const,
  });

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.store.logRecords.insertMany([
      ...Array.from({ length: 8 }, () => log("cart", "error", "request failed", { err: { stack: NODE_STACK } })),
      log("cart", "error", "GET /catalog timed out after 50 ms"),
      log("cart", "info", "GET /cart/1 200"),
      ...Array.from({ length: 6 }, () =>
        log("gateway", "error", "call to catalog timed out after 50 ms (timeout_ms=50)"),
      ),
      log("gateway", "error", "connect ECONNREFUSED 127.0.0.1:9"),
    ]);
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("names a code bug with its frame when most error logs carry one stack trace", async () => {
    const d = await diagnoseIncident(incident("cart"), evidence(), { now });
    expect(d.hypotheses[0]).toMatchObject({ kind: "code_bug" });
    expect(d.hypotheses[0]!.confidence).toBeGreaterThan(0.85);
    expect(d.hypotheses[0]!.explanation).toContain("cart.mjs:42");
    expect(d.hypotheses.map((h) => h.kind)).toContain("config");
    expect(d.trace).toContain("at lineTotal (/srv/cart/src/cart.mjs:42:31)");
  });

  it("names a config problem when timeouts dominate, with the limit the log names", async () => {
    const d = await diagnoseIncident(incident("gateway"), evidence(), { now });
    expect(d.hypotheses.map((h) => h.kind)).toEqual(["config", "dependency"]);
    expect(d.hypotheses[0]!.explanation).toContain("50 ms limit");
    expect(d.trace).toBeUndefined();
  });

  it("cites what a timed-out call needs, from the called service's own latency", async () => {
    await t.app.store.logRecords.insertMany(
      Array.from({ length: 3 }, () =>
        log("edge", "error", "catalog GET /products/p-3/recommendations timed out after 50 ms (catalog_timeout_ms=50)"),
      ),
    );
    const asked: string[] = [];
    const d = await diagnoseIncident(
      incident("edge"),
      {
        ...evidence(),
        latencyP99Ms: async (peer, path) => {
          asked.push(`${peer} ${path}`);
          return peer === "catalog" ? 180 : undefined;
        },
      },
      { now },
    );
    expect(asked).toEqual(["catalog /products/p-3/recommendations"]);
    expect(d.hypotheses[0]!.evidence).toContainEqual({
      kind: "metric",
      summary: "catalog answers /products/p-3/recommendations in 180 ms at p99 (its own request metrics)",
      data: { peer: "catalog", path: "/products/p-3/recommendations", p99Ms: 180 },
    });
  });

  it("puts a deploy shortly before the incident first, and says so when nothing explains it", async () => {
    deploys = [{ service: "cart", environment: "production", release: "r7", at: now - 120_000 }];
    const d = await diagnoseIncident(incident("cart"), evidence(), { now });
    expect(d.hypotheses[0]).toMatchObject({ kind: "deploy_regression" });
    expect(d.hypotheses[0]!.explanation).toContain("release r7");
    // the gateway's timeouts were logged before its release too: the release did not bring them
    deploys = [{ service: "gateway", environment: "production", release: "r8", at: now - 20_000 }];
    await t.app.store.logRecords.insertMany([
      log("gateway", "error", "call to catalog timed out after 100 ms (timeout_ms=100)", {}, now - 10_000),
    ]);
    const g = await diagnoseIncident(incident("gateway"), evidence(), { now });
    expect(g.hypotheses[0]).toMatchObject({ kind: "config" });
    const regression = g.hypotheses.find((h) => h.kind === "deploy_regression")!;
    expect(regression.confidence).toBeLessThan(0.5);
    expect(regression.explanation).toContain("already logged before it");
    // a gateway whose errors are its dependency answering 500 blames the dependency, not itself
    await t.app.store.logRecords.insertMany(
      Array.from({ length: 5 }, () =>
        log("shopfront", "error", "pricing POST /quote answered 500", { err: { stack: NODE_STACK } }),
      ),
    );
    deploys = [{ service: "shopfront", environment: "production", release: "r9", at: now - 60_000 }];
    const front = await diagnoseIncident(incident("shopfront"), evidence(), { now });
    expect(front.hypotheses[0]).toMatchObject({ kind: "dependency" });
    expect(front.hypotheses.find((h) => h.kind === "code_bug")).toBeUndefined();
    expect(front.hypotheses.find((h) => h.kind === "deploy_regression")!.confidence).toBeLessThan(0.5);
    const none = await diagnoseIncident(incident("pricing"), evidence(), { now });
    expect(none.hypotheses).toEqual([]);
    expect(none.summary).toContain("no error logs");
  });

  /** An Express-style plain-text stack printed to stderr, stored as it came (level info). */
  const EXPRESS_STACK = [
    "TypeError: Cannot read properties of undefined (reading 'id')",
    "    at /srv/api/src/routes/clone.js:17:24",
    "    at Layer.handle [as handle_request] (/srv/api/node_modules/express/lib/router/layer.js:95:5)",
    "    at next (/srv/api/node_modules/express/lib/router/route.js:149:13)",
  ].join("\n");
  /** Errors every 20 s from `from` to `to` (ms before now), ingested like a replica's output. */
  const crashes = (service: string, from: number, to: number) =>
    t.app.observation.logs.ingest(
      Array.from({ length: Math.floor((from - to) / 20_000) + 1 }, (_, i) =>
        log(service, "info", EXPRESS_STACK, {}, now - from + i * 20_000),
      ),
      "file",
    );

  it("blames the release the error followed, not the latest one, and rolls back past both", async () => {
    await crashes("api", 540_000, 2_000);
    deploys = [
      { service: "api", environment: "production", release: "11", previous: "10", at: now - 600_000 },
      { service: "api", environment: "production", release: "12", previous: "11", at: now - 240_000 },
    ];
    const d = await diagnoseIncident(incident("api"), evidence(), { now });
    expect(d.onset).toMatchObject({ service: "api", at: now - 540_000 });
    const regression = d.hypotheses.find((h) => h.kind === "deploy_regression")!;
    expect(regression.confidence).toBe(0.95);
    expect(regression.explanation).toContain("after release 11 went live");
    expect(regression.evidence[0]!.data).toMatchObject({ release: "11", rollbackTo: "10" });
    const code = d.hypotheses.find((h) => h.kind === "code_bug")!;
    expect(code.explanation).toContain("clone.js:17");
    expect(d.trace).toContain("at /srv/api/src/routes/clone.js:17:24");
  });

  it("does not blame a release that went live after the error began", async () => {
    await crashes("orders", 280_000, 2_000);
    deploys = [{ service: "orders", environment: "production", release: "21", previous: "20", at: now - 120_000 }];
    const d = await diagnoseIncident(incident("orders"), evidence(), { now });
    expect(d.hypotheses[0]!.kind).toBe("code_bug");
    const regression = d.hypotheses.find((h) => h.kind === "deploy_regression")!;
    expect(regression.confidence).toBeLessThan(0.5);
    expect(regression.explanation).toContain("before orders release 21 went live");
  });

  it("takes the fix path when the error went on after a rollback", async () => {
    await crashes("billing", 500_000, 2_000);
    deploys = [
      { service: "billing", environment: "production", release: "31", previous: "30", at: now - 560_000 },
      {
        service: "billing",
        environment: "production",
        release: "32",
        previous: "31",
        at: now - 200_000,
        rollback: true,
      },
    ];
    const d = await diagnoseIncident(incident("billing"), evidence(), { now });
    expect(d.hypotheses[0]!.kind).toBe("code_bug");
    const regression = d.hypotheses.find((h) => h.kind === "deploy_regression")!;
    expect(regression.confidence).toBe(0.15);
    expect(regression.explanation).toContain("went on after billing was rolled back");
  });

  it("clears a release that served all traffic without the error long before it began", async () => {
    // fully live 4 min before the onset; since, the error every 2 s: ~120 would have shown in those 4 min
    await t.app.observation.logs.ingest(
      Array.from({ length: 45 }, (_, i) => log("quotes", "info", EXPRESS_STACK, {}, now - 90_000 + i * 2_000)),
      "file",
    );
    deploys = [{ service: "quotes", environment: "production", release: "51", previous: "50", at: now - 330_000 }];
    const d = await diagnoseIncident(incident("quotes"), evidence(), { now });
    expect(d.hypotheses[0]!.kind).toBe("code_bug");
    const regression = d.hypotheses.find((h) => h.kind === "deploy_regression")!;
    expect(regression.confidence).toBe(0.2);
    expect(regression.explanation).toContain("did not bring the error");
  });

  it("still blames a release whose clean time is too short to tell at the error's rate", async () => {
    // live 60 s before the onset; the error every 20 s since: ~2 expected in 60 s, not enough to clear it
    await crashes("ledger", 300_000, 2_000);
    deploys = [{ service: "ledger", environment: "production", release: "61", previous: "60", at: now - 360_000 }];
    const d = await diagnoseIncident(incident("ledger"), evidence(), { now });
    expect(d.hypotheses[0]).toMatchObject({ kind: "deploy_regression", confidence: 0.95 });
  });

  it("dates the onset to the current episode: an older, quiet-separated one does not count", async () => {
    await crashes("search", 840_000, 760_000); // an earlier episode, fixed
    await crashes("search", 200_000, 2_000); // silent for 9 minutes, back after release 41
    deploys = [{ service: "search", environment: "production", release: "41", previous: "40", at: now - 230_000 }];
    const d = await diagnoseIncident(incident("search"), evidence(), { now });
    expect(d.onset!.at).toBe(now - 200_000);
    expect(d.hypotheses[0]).toMatchObject({ kind: "deploy_regression", confidence: 0.95 });
  });
  it("leads with the error still logged when the incident opened, not an earlier one that had stopped", async () => {
    const stack = (type: string, fn: string, line: number) =>
      `${type}: boom\n    at ${fn} (/srv/blog/lib/plural.js:${line}:9)\n    at Layer.handle (/srv/blog/node_modules/express/lib/router/layer.js:95:5)`;
    const every = (from: number, to: number, step: number, message: string) =>
      Array.from({ length: Math.floor((from - to) / step) + 1 }, (_, i) =>
        log("blog", "error", "request failed", { err: { stack: message } }, now - from + i * step),
      );
    // a bad canary (release 4) failed for 70 s and was rolled back; release 6 then served healthy,
    // until a new kind of request met a latent bug: the incident is about that one
    await t.app.store.logRecords.insertMany([
      ...every(190_000, 120_000, 2_000, stack("TypeError", "sortComments", 120)),
      ...every(30_000, 2_000, 7_000, stack("RangeError", "listPosts", 240)),
    ]);
    deploys = [
      { service: "blog", environment: "production", release: "4", previous: "3", at: now - 200_000 },
      { service: "blog", environment: "production", release: "5", previous: "4", at: now - 120_000, rollback: true },
      { service: "blog", environment: "production", release: "6", previous: "5", at: now - 90_000 },
    ];
    const d = await diagnoseIncident(incident("blog"), evidence(), { now });
    expect(d.onset).toMatchObject({
      at: now - 30_000,
      signature: "RangeError@/srv/blog/lib/plural.js:240 (listPosts)",
    });
    expect(d.trace).toContain("listPosts");
    const blamed = d.hypotheses.filter((h) => h.kind === "deploy_regression");
    expect(blamed.map((h) => h.evidence[0]?.data?.release)).not.toContain("4");
  });
});
