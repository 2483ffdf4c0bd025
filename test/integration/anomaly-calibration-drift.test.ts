/**
 * Drift of the anomaly calibration, on a real store (SQLite) behind a pitcrew app: a service's
 * detector inputs are stored as the watch stores them, a first checkpoint goes live through the
 * online gate, then the last checkpoint interval is either steady noise or a level shift that
 * began half an interval ago. The shift raises `model.drift` (the signal's PSI past
 * `learning.drift_psi`) at the next check and recalibrates the service through the gate; the
 * steady stream raises nothing and trains nothing. A live version that barely learnt is beaten by
 * the recalibration, which goes live and replaces the serving detectors.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app/app.js";
import { checkCalibrationDrift } from "../../src/app/calibration-drift.js";
import { configSchema } from "../../src/common/config/config-schema.js";
import { silentLogger } from "../../src/common/logger.js";
import {
  ANOMALY_CALIBRATION,
  type CalibrationState,
  calibrationScope,
  DetectorRegistry,
} from "../../src/detect/index.js";
import { inputSample } from "../../src/detect/learning/anomaly-inputs.js";
import { applyOnlineUpdate } from "../../src/learning/index.js";
import { runCli } from "../support/run-cli.js";

const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-calibration-drift-"));
const STEP = 15_000;
const HOUR = 3_600_000;
const SIGNALS = ["error_ratio", "latency_p99"];

/** Deterministic noise in [0, 1) per (signal, sample). */
const noise = (k: number, i: number) => {
  const x = Math.sin((i + 1) * 12.9898 + k * 78.233) * 43758.5453;
  return x - Math.floor(x);
};
const steady = (k: number, i: number) => (k === 0 ? 0.01 + 0.004 * noise(k, i) : 0.2 + 0.05 * noise(k, i));

let app: App;
let now: number;

/** Stores `service`'s inputs of every signal from `from` to `to` (one per STEP), `value` per signal and tick. */
async function store(service: string, from: number, to: number, value: (k: number, i: number, at: number) => number) {
  const samples = [];
  for (let at = from, i = 0; at < to; at += STEP, i++) {
    for (const [k, s] of SIGNALS.entries()) samples.push(inputSample(service, s, at, value(k, i, at)));
  }
  await app.store.series.append(samples);
}

/** Three hours of steady inputs, checkpointed live, then the last hour from `last`. */
async function service(name: string, last: (k: number, i: number, at: number) => number) {
  await app.store.services.upsert({
    name,
    environment: "production",
    metricsUrl: null,
    scrapeIntervalMs: 15_000,
    logSource: null,
    repository: null,
    repoPath: null,
  });
  await store(name, now - 4 * HOUR, now - HOUR, steady);
  const v1 = await applyOnlineUpdate(app, app.models, ANOMALY_CALIBRATION, calibrationScope(name), {
    from: now - 4 * HOUR,
    to: now - HOUR,
  });
  expect(v1.status).toBe("live");
  await store(name, now - HOUR, now, (k, i, at) => last(k, i + 720, at));
  return v1;
}

describe("anomaly calibration drift", () => {
  beforeAll(async () => {
    const config = configSchema.parse({ observe: { anomaly_window: 64 } });
    app = await createApp(
      { config, dataDir, databaseUrl: `sqlite:${join(dataDir, "pitcrew.db")}` },
      { log: silentLogger() },
    );
    now = app.clock.now();
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a steady stream raises no drift and trains nothing", async () => {
    const v1 = await service("steady", steady);
    const { report, recalibrated } = await checkCalibrationDrift(app, "steady");
    expect(report).toMatchObject({ model: ANOMALY_CALIBRATION, scope: "service:steady", version: v1.version });
    expect(report!.drifted).toBe(false);
    expect(report!.features.map((f) => f.name).sort()).toEqual([
      "value:steady/error_ratio",
      "value:steady/latency_p99",
    ]);
    for (const f of report!.features) expect(f.psi).toBeLessThan(0.25);
    expect(report!.liveMetric).toBeGreaterThan(0);
    expect(report!.promotedMetric).toBeGreaterThan(0); // the online gate's figure it went live with
    expect(recalibrated).toBeUndefined();
    expect(await app.store.events.list({ type: "model.drift" })).toEqual([]);
    expect(await app.store.modelVersions.list({ model: ANOMALY_CALIBRATION, scope: "service:steady" })).toHaveLength(1);
  });

  it("a level shift half an interval old raises model.drift at the next check and recalibrates through the gate", async () => {
    const shiftAt = now - HOUR / 2;
    const v1 = await service("shifted", (k, i, at) => (at < shiftAt ? steady(k, i) : 3 * steady(k, i)));
    const { report, recalibrated } = await checkCalibrationDrift(app, "shifted");
    expect(report!.drifted).toBe(true);
    expect(report!.reasons.join("; ")).toMatch(/feature value:shifted\/latency_p99 PSI \d+\.\d+ > 0\.25/);
    const drift = await app.store.events.list({ type: "model.drift" });
    expect(drift).toHaveLength(1);
    expect(drift[0]!.subject).toBe("model:anomaly-calibration:service:shifted");
    expect(drift[0]!.data).toMatchObject({ model: ANOMALY_CALIBRATION, scope: "service:shifted", version: v1.version });

    // recalibrated: new detectors trained on the inputs before the last interval, judged on it beside v1
    expect(recalibrated).toMatchObject({ version: 2, parentVersion: v1.version });
    expect(["live", "refused"]).toContain(recalibrated!.status);
    expect(recalibrated!.trainTo).toBeGreaterThanOrEqual(now - HOUR); // the clock moved on a little
    expect(recalibrated!.trainTo).toBeLessThan(shiftAt);
    expect(recalibrated!.reason).toMatch(/calibration_error \d/);
    const types = (await app.store.events.list({ subjectPrefix: "model:anomaly-calibration:service:shifted" })).map(
      (e) => e.type,
    );
    expect(types).toEqual([
      "model.updated",
      "model.drift",
      "model.trained",
      `model.${recalibrated!.status === "live" ? "promoted" : "refused"}`,
    ]);
  });

  it("a recalibration that beats a barely trained live version is promoted and the serving detectors follow it", async () => {
    await app.store.services.upsert({
      name: "young",
      environment: "production",
      metricsUrl: null,
      scrapeIntervalMs: 15_000,
      logSource: null,
      repository: null,
      repoPath: null,
    });
    await store("young", now - 4 * HOUR, now, (k, i, at) => (at < now - 3.9 * HOUR ? steady(k, i) : 3 * steady(k, i)));
    // live: detectors that saw only the first 6 minutes (before the level rose)
    const v1 = await app.models.train(ANOMALY_CALIBRATION, "service:young", {
      trainFrom: now - 4 * HOUR,
      trainTo: now - 3.9 * HOUR,
      evalTo: now - 3.8 * HOUR,
    });
    await app.models.promote(ANOMALY_CALIBRATION, "service:young", v1.version, { force: true });
    const serving = new DetectorRegistry({ detector: { window: 64 } });
    const { report, recalibrated } = await checkCalibrationDrift(app, "young", serving);
    expect(report!.drifted).toBe(true);
    expect(recalibrated).toMatchObject({ version: 2, status: "live", parentVersion: 1 });
    expect(recalibrated!.reason).toMatch(/^promoted: better than the incumbent beyond the noise: calibration_error/);
    // serving: the new version's detectors, then the samples of the last interval it was judged on
    const state = recalibrated!.state as CalibrationState;
    const seen = state.series.find(([k]) => k === "young/latency_p99")![1].ensemble.seen;
    expect(serving.samples("young/latency_p99")).toBeGreaterThan(seen);
  });

  it("shows the drift of a live version in `pitcrew models show --service`", async () => {
    const config = join(dataDir, "pitcrew.yaml");
    writeFileSync(config, `data_dir: ${dataDir}\ndatabase:\n  url: sqlite:${join(dataDir, "pitcrew.db")}\n`);
    const shifted = await runCli(config, "models", "show", ANOMALY_CALIBRATION, "1", "--service", "shifted");
    expect(shifted.out).toMatch(/ {2}drift: {4}\d{4}-.*Z: feature value:shifted\/\w+ PSI \d/);
    const steadyShow = await runCli(config, "models", "show", ANOMALY_CALIBRATION, "1", "--service", "steady");
    expect(steadyShow.out).toMatch(/ {2}drift: {4}none reported/);
    const json = await runCli(config, "models", "show", ANOMALY_CALIBRATION, "1", "--service", "shifted", "--json");
    expect(JSON.parse(json.out).drift.reasons[0]).toMatch(/^feature value:shifted/);
  });
});
