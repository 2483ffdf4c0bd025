/**
 * The log template watcher as a learned model, on real stored data (SQLite and PostgreSQL): a
 * service's stored log lines are checkpointed through the online validation gate; a restore from
 * the live version plus the lines after it gives a watcher that is exactly the one that saw every
 * line (a restart no longer learns again); an update that forgot the templates is rolled back with
 * its figures and the live version stays; a change of the service's log mix drifts.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import {
  LogTemplateWatcher,
  type LogTemplatesState,
  logTemplatesModel,
  restoreLogTemplates,
} from "../../src/detect/index.js";
import { createMemoryBus, EventLog } from "../../src/events/index.js";
import { applyOnlineUpdate, checkDrift, ModelRegistry } from "../../src/learning/index.js";
import { createStore, type LogRecord, type Store } from "../../src/store/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";

const T0 = Date.UTC(2026, 10, 1);
const SEC = 1000;
const model = logTemplatesModel;

/** Line `i` of cart's routine logs (one every 2 s): requests, cache lookups, a periodic flush. */
function routine(i: number): LogRecord {
  const kinds = [
    `GET /cart/${1000 + ((i * 7) % 97)} 200 in ${3 + (i % 11)} ms`,
    `cache hit for user ${(i * 13) % 501}`,
    `cache miss for user ${(i * 17) % 499}, loading from db`,
    `POST /cart/${2000 + (i % 89)}/items 201 in ${5 + (i % 7)} ms`,
  ];
  const message = i % 50 === 0 ? `flushed ${i % 37} sessions to store` : kinds[i % kinds.length]!;
  return line(T0 + i * 2 * SEC, message);
}

/** Line `i` of a changed mix: the service now logs other messages (a new version). */
function changed(i: number): LogRecord {
  const kinds = [
    `rpc pricing.quote took ${20 + (i % 9)} ms for sku ${i % 301}`,
    `queue depth ${i % 40} on worker ${i % 4}`,
  ];
  return line(T0 + i * 2 * SEC, kinds[i % 2]!);
}

function line(at: number, message: string, level = "info"): LogRecord {
  return { at, service: "cart", level, message, traceId: null, spanId: null, attributes: {}, source: "http" };
}

/** An update that forgets every template it learnt (a deliberately broken update). */
const forgetful = {
  ...model,
  update(state: LogTemplatesState, context: never[], items: Parameters<typeof model.train>[0]): LogTemplatesState {
    const next = model.update!(state, context, items);
    return { ...next, templates: null };
  },
};

describe.each(await testDialects())("log templates model on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  async function setup() {
    tdb = await make();
    let now = T0;
    const clock: Clock = { now: () => now };
    const store: Store = createStore(tdb.database, clock, createSecretBox(randomBytes(32)));
    const events = new EventLog(store.events, createMemoryBus(), clock);
    const serving = new LogTemplateWatcher({ warmupMs: 60 * SEC });
    let fed = 0;
    /** Stores lines [fed, fed + n) (of `gen`) and feeds them to the serving watcher, as the ingestor does. */
    const ingest = async (n: number, gen = routine) => {
      const records = Array.from({ length: n }, (_, j) => gen(fed + j));
      await store.logRecords.insertMany(records);
      const findings = serving.observe(records);
      fed += n;
      now = T0 + fed * 2 * SEC;
      return findings;
    };
    return { store, events, clock, serving, ingest, deps: { store, events, clock } };
  }

  it("checkpoints the templates through the gate, and a restore is the watcher that saw every line", async () => {
    const { store, deps, serving, ingest, clock } = await setup();
    const registry = new ModelRegistry(deps, [model]);
    await ingest(1800); // an hour
    const v = await applyOnlineUpdate(deps, registry, model.name, "service:cart", { from: T0, to: clock.now() });
    expect(v).toMatchObject({ version: 1, status: "live", codeVersion: "log-templates/1" });
    expect(v.reason).toMatch(
      /^online update kept: not worse on recent held-out data: false_alarm_rate 0\.0\d+ vs 0\.\d+/,
    );
    const online = v.metrics.online as Record<string, { metrics: Record<string, number> }>;
    // the shipped default knows no template: the first lines of each are false alarms for it
    expect(online.updated!.metrics.false_alarm_rate).toBeLessThan(online.incumbent!.metrics.false_alarm_rate!);
    expect(online.updated!.metrics.known_share).toBe(1);
    expect(online.updated!.metrics.lines).toBe(540); // the newest 30 % held out
    const state = v.state as LogTemplatesState;
    expect(state.templates!.lines).toBe(1260);
    expect(state.templates!.miner.clusters.length).toBeGreaterThanOrEqual(5);
    expect(state.templates!.miner.clusters.length).toBeLessThanOrEqual(8);
    await ingest(300);

    // a restart: a new watcher from the live version, then the stored lines after it
    const restarted = new LogTemplateWatcher({ warmupMs: 60 * SEC });
    const r = await restoreLogTemplates({ store, log: silentLogger() }, restarted, "cart", {
      codeVersion: model.codeVersion,
      replay: true,
      now: clock.now(),
    });
    expect(r).toMatchObject({ version: 1, replayed: 540 + 300 });
    const { since: _a, ...restoredState } = restarted.snapshot("cart")!;
    const { since: _b, ...servingState } = serving.snapshot("cart")!;
    expect(restoredState).toEqual(servingState);
    expect(restarted.provenance("cart")).toBe("log-templates v1 + 840 lines");

    // what follows is judged alike: routine lines raise nothing (no learning again), a new error is news
    const next = [
      ...Array.from({ length: 20 }, (_, j) => routine(2100 + j)),
      line(T0 + 2121 * 2 * SEC, "TypeError: Cannot read properties of undefined (reading 'price')", "error"),
    ];
    const found = restarted.observe(next);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: "new-template", level: "error", learnt: "log-templates v1 + 860 lines" });
    expect(serving.observe(next).map((f) => f.templateId)).toEqual(found.map((f) => f.templateId));
    // a fresh watcher (what a restart did before) calls every routine template new once warmed up
    const fresh = new LogTemplateWatcher({ warmupMs: 0 });
    expect(fresh.observe(next).length).toBeGreaterThan(3);

    // explanations name the template, the expected rate, the count seen
    const why = model.explain(state, {
      service: "cart",
      at: T0 + 2200 * 2 * SEC,
      level: "info",
      message: "cache hit for user 4",
    });
    expect(why.summary).toMatch(
      /^template "cache hit for user <\*>" \([0-9a-f]{8}\), seen \d+ times before; 1 in this bucket, usually \d+\.\d$/,
    );
    const oops = model.explain(state, { service: "cart", at: T0, level: "error", message: "disk full on /var/lib" });
    expect(oops.summary).toMatch(
      /^never-seen template "disk full on <\*>" \([0-9a-f]{8}\): not among the templates learnt from 1260 lines$/,
    );
  });

  it("rolls back an update that forgot its templates, with its figures, and keeps the live version", async () => {
    const { store, deps, ingest, clock } = await setup();
    const registry = new ModelRegistry(deps, [forgetful]);
    const good = new ModelRegistry(deps, [model]);
    await ingest(900);
    const v1 = await applyOnlineUpdate(deps, good, model.name, "service:cart", { from: T0, to: clock.now() });
    expect(v1.status).toBe("live");
    const from = clock.now();
    await ingest(900);
    const v2 = await applyOnlineUpdate(deps, registry, model.name, "service:cart", { from, to: clock.now() });
    expect(v2).toMatchObject({ version: 2, status: "refused", parentVersion: 1 });
    expect(v2.reason).toMatch(/^online update rolled back: worse on recent held-out data: false_alarm_rate \d/);
    const online = v2.metrics.online as Record<string, { metrics: Record<string, number> }>;
    expect(online.updated!.metrics.false_alarm_rate).toBeGreaterThan(online.incumbent!.metrics.false_alarm_rate!);
    expect((await store.modelVersions.live(model.name, "service:cart"))?.version).toBe(1);
    const types = (await store.events.list({ subjectPrefix: "model:" })).map((e) => e.type);
    expect(types).toEqual(["model.updated", "model.update_rolled_back"]);

    // a restore after the rollback brings back v1's templates, never the forgetful state
    const restored = new LogTemplateWatcher();
    const r = await restoreLogTemplates({ store, log: silentLogger() }, restored, "cart", {
      codeVersion: model.codeVersion,
      replay: false,
      now: clock.now(),
    });
    expect(r.version).toBe(1);
    expect(restored.snapshot("cart")!.miner).toEqual((v1.state as LogTemplatesState).templates!.miner);

    // a version saved by other code is refused whole, with a warning
    const warnings: string[] = [];
    const log = { ...silentLogger(), warn: (_o: unknown, msg: string) => warnings.push(msg) } as never;
    const r2 = await restoreLogTemplates({ store, log }, new LogTemplateWatcher(), "cart", {
      codeVersion: "log-templates/2",
      replay: true,
      now: clock.now(),
    });
    expect(r2).toEqual({ templates: 0, replayed: 0 });
    expect(warnings).toEqual([
      "log templates v1 of cart not restored: saved by log-templates/1, this server runs log-templates/2; its logs are learnt again",
    ]);
  });

  it("raises drift when the service's log mix changes, and not on a steady stream", async () => {
    const { deps, ingest, clock, store } = await setup();
    const registry = new ModelRegistry(deps, [model]);
    await ingest(1800);
    await applyOnlineUpdate(deps, registry, model.name, "service:cart", { from: T0, to: clock.now() });
    let from = clock.now();
    await ingest(900);
    const steady = await checkDrift(deps, registry, model.name, "service:cart", { from, to: clock.now() });
    expect(steady?.drifted).toBe(false);
    from = clock.now();
    await ingest(900, changed);
    const shifted = await checkDrift(deps, registry, model.name, "service:cart", { from, to: clock.now() });
    expect(shifted?.drifted).toBe(true);
    expect(shifted!.reasons.join("; ")).toMatch(/feature template PSI/);
    const drift = (await store.events.list({ subjectPrefix: "model:" })).filter((e) => e.type === "model.drift");
    expect(drift).toHaveLength(1);
  });
});
