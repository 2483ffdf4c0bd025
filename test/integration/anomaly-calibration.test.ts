/**
 * The anomaly detectors' calibration as a learned model, on real stored data (SQLite and
 * PostgreSQL): the detector inputs a service's watch stored are checkpointed through the online
 * validation gate; a restore from the live version plus the inputs after it gives detectors that
 * score what follows exactly like the ones that saw everything; an update whose calibration was
 * zeroed is rolled back with its figures and the live version stays.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type Clock, systemClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import {
  anomalyCalibrationModel,
  type CalibrationState,
  DetectorRegistry,
  restoreCalibration,
} from "../../src/detect/index.js";
import { inputSample, seriesKey } from "../../src/detect/learning/anomaly-inputs.js";
import { createMemoryBus, EventLog } from "../../src/events/index.js";
import { applyOnlineUpdate, ModelRegistry } from "../../src/learning/index.js";
import { createStore, type Store } from "../../src/store/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";

const STEP = 15_000;
const T0 = Date.UTC(2026, 10, 1);
const SIGNALS = ["error_ratio", "latency_p99"];
const OPTIONS = { window: 64 };
const model = anomalyCalibrationModel(OPTIONS);

/** Deterministic noise in [0, 1) per (signal, sample). */
const noise = (k: number, i: number) => {
  const x = Math.sin((i + 1) * 12.9898 + k * 78.233) * 43758.5453;
  return x - Math.floor(x);
};
const value = (k: number, i: number) => (k === 0 ? 0.01 + 0.004 * noise(k, i) : 0.2 + 0.05 * noise(k, i));

/** A model whose updates zero every calibrated threshold when `zeroed.on` (a deliberately broken update). */
const zeroed = { on: false };
const zeroedModel = {
  ...model,
  update(state: CalibrationState, context: never[], items: Parameters<typeof model.train>[0]): CalibrationState {
    const next = model.update!(state, context, items);
    return zeroed.on ? zeroCalibration(next) : next;
  },
};

/** `state` with every calibrator's history replaced by zeros (its thresholds at 0). */
function zeroCalibration(state: CalibrationState): CalibrationState {
  const copy = structuredClone(state);
  for (const [, snap] of copy.series) {
    for (const [, c] of snap.ensemble.components) {
      for (const key of ["calibrator", "upper", "lower"]) {
        if (typeof c[key] !== "string") continue;
        const n = Buffer.from(c[key], "base64").length;
        c[key] = Buffer.alloc(n).toString("base64");
      }
    }
  }
  return copy;
}

describe.each(await testDialects())("anomaly calibration on %s", (_name, make) => {
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
    const serving = new DetectorRegistry({ detector: OPTIONS });
    let fed = 0;
    /** Stores and feeds samples [fed, fed + n) of every signal of `cart`, as the watch does. */
    const watch = async (n: number) => {
      const ticks = Array.from({ length: n }, (_, j) => fed + j);
      await store.series.append(
        ticks.flatMap((i) => SIGNALS.map((s, k) => inputSample("cart", s, T0 + i * STEP, value(k, i)))),
      );
      for (const i of ticks)
        SIGNALS.forEach((s, k) => {
          serving.update(seriesKey("cart", s), T0 + i * STEP, value(k, i));
        });
      fed += n;
      now = T0 + fed * STEP;
    };
    return { store, events, clock, serving, watch, deps: { store, events, clock } };
  }

  it("checkpoints the detectors through the gate, and a restore scores the continuation like the detectors that saw it all", async () => {
    const { store, deps, serving, watch, clock } = await setup();
    const registry = new ModelRegistry(deps, [model]);
    await watch(401); // 802 items: 70 % would cut between the two signals of one instant
    const v = await applyOnlineUpdate(deps, registry, model.name, "service:cart", { from: T0, to: clock.now() });
    expect(v).toMatchObject({ version: 1, status: "live", codeVersion: "anomaly-calibration/1" });
    expect(v.reason).toMatch(/^online update kept: not worse on recent held-out data: calibration_error/);
    const state = v.state as CalibrationState;
    expect(state.series.map(([k]) => k)).toEqual(["cart/error_ratio", "cart/latency_p99"]);
    expect(state.samples).toBe(2 * 281); // the newest 30 % are held out, whole instants only
    const online = v.metrics.online as { updated: { metrics: Record<string, number> } };
    expect(online.updated.metrics.samples).toBe(2 * 120);
    await watch(49);

    // a restart: new detectors from the live version, then the stored inputs after it
    const restarted = new DetectorRegistry({ detector: OPTIONS });
    const r = await restoreCalibration({ store, log: silentLogger() }, restarted, "cart", {
      codeVersion: model.codeVersion,
      replay: true,
      now: clock.now(),
    });
    expect(r).toEqual({ version: 1, series: 2, replayed: 2 * 169 });
    for (const s of SIGNALS) {
      expect(restarted.snapshot(seriesKey("cart", s))).toEqual(serving.snapshot(seriesKey("cart", s)));
      expect(restarted.samples(seriesKey("cart", s))).toBe(450);
    }
    for (let i = 450; i < 520; i++) {
      const at = T0 + i * STEP;
      const spike = i === 500 ? 5 : 0;
      for (const [k, s] of SIGNALS.entries()) {
        const out = restarted.update(seriesKey("cart", s), at, value(k, i) + spike);
        expect(out).toEqual(serving.update(seriesKey("cart", s), at, value(k, i) + spike));
        if (i === 500) expect(out.alert).toBe(true); // scoring at once, not learning again
      }
    }
  });

  it("rolls back an update whose calibration was zeroed, with its figures, and keeps the live version", async () => {
    const { store, deps, watch, clock } = await setup();
    const registry = new ModelRegistry(deps, [zeroedModel]);
    await watch(400);
    zeroed.on = false;
    const v1 = await applyOnlineUpdate(deps, registry, model.name, "service:cart", { from: T0, to: clock.now() });
    expect(v1.status).toBe("live");
    const from = clock.now();
    await watch(300);
    zeroed.on = true;
    const v2 = await applyOnlineUpdate(deps, registry, model.name, "service:cart", { from, to: clock.now() });
    zeroed.on = false;
    expect(v2).toMatchObject({ version: 2, status: "refused", parentVersion: 1 });
    expect(v2.reason).toMatch(/^online update rolled back: worse on recent held-out data: calibration_error \d/);
    const online = v2.metrics.online as Record<string, { metrics: Record<string, number> }>;
    expect(online.updated!.metrics.calibration_error).toBeGreaterThan(2 * online.incumbent!.metrics.calibration_error!);
    expect((await store.modelVersions.live(model.name, "service:cart"))?.version).toBe(1);
    const types = (await store.events.list({ subjectPrefix: "model:" })).map((e) => e.type);
    expect(types).toEqual(["model.updated", "model.update_rolled_back"]);

    // a restore after the rollback brings back v1, never the zeroed state
    const restored = new DetectorRegistry({ detector: OPTIONS });
    const r = await restoreCalibration({ store, log: silentLogger() }, restored, "cart", {
      codeVersion: model.codeVersion,
      replay: false,
      now: systemClock.now(),
    });
    expect(r.version).toBe(1);
    expect(restored.snapshot("cart/error_ratio")).toEqual((v1.state as CalibrationState).series[0]![1]);
  });

  it("refuses a version saved by other code or other detector settings, whole, with a warning", async () => {
    const { store, deps, watch, clock } = await setup();
    const registry = new ModelRegistry(deps, [model]);
    await watch(200);
    await applyOnlineUpdate(deps, registry, model.name, "service:cart", { from: T0, to: clock.now() });
    const warnings: string[] = [];
    const log = { ...silentLogger(), warn: (_o: unknown, msg: string) => warnings.push(msg) } as never;
    const other = new DetectorRegistry({ detector: { window: 128 } });
    const r = await restoreCalibration({ store, log }, other, "cart", {
      codeVersion: model.codeVersion,
      replay: true,
      now: clock.now(),
    });
    expect(r).toEqual({ series: 0, replayed: 0 });
    expect(other.size).toBe(0);
    const r2 = await restoreCalibration({ store, log }, other, "cart", {
      codeVersion: "anomaly-calibration/2",
      replay: true,
      now: clock.now(),
    });
    expect(r2.series).toBe(0);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^anomaly calibration v1 of cart not restored: ensemble: saved with settings .*; its detectors learn again$/,
      ),
      "anomaly calibration v1 of cart not restored: saved by anomaly-calibration/1, this server runs anomaly-calibration/2; its detectors learn again",
    ]);
  });
});
