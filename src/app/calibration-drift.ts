/**
 * Drift of a service's anomaly calibration (`anomaly-calibration`, scope `service:<name>`): at
 * each checkpoint pass the live version is checked over the last `observe.anomaly_checkpoint` of
 * stored detector inputs — the population stability of each signal's values against the profile
 * kept when it first went live, and its calibration error against the figure it went live with.
 * Past a bound `model.drift` is emitted and the service is recalibrated: new detectors trained on
 * the stored inputs before that interval, evaluated on it beside the live version, promoted or
 * refused by the gate; after a promotion the serving detectors follow the new version.
 */
import {
  ANOMALY_CALIBRATION,
  calibrationScope,
  type DetectorRegistry,
  MAX_INPUT_SPAN_MS,
  restoreCalibration,
} from "../detect/index.js";
import { checkDrift, type DriftReport } from "../learning/index.js";
import type { ModelVersion } from "../store/index.js";
import type { App } from "./app.js";

/** What a calibration drift check found, and the recalibration it caused (when drifted). */
export interface CalibrationDrift {
  report: DriftReport | undefined;
  recalibrated?: ModelVersion;
}

/**
 * Checks `service`'s live calibration for drift over the last checkpoint interval; when drifted,
 * recalibrates it through the gate. Nothing to check (undefined report) when no version is live.
 */
export async function checkCalibrationDrift(
  app: App,
  service: string,
  registry: DetectorRegistry = app.observation.detectors,
): Promise<CalibrationDrift> {
  const now = app.clock.now();
  const interval = app.config.config.observe.anomaly_checkpoint;
  const report = await checkDrift(
    app,
    app.models,
    ANOMALY_CALIBRATION,
    calibrationScope(service),
    { from: now - interval, to: now },
    { psi: app.config.config.learning.drift_psi, metricDrop: 0.1 },
  );
  if (!report?.drifted) return { report };
  return { report, recalibrated: await recalibrate(app, service, registry) };
}

/**
 * Recalibrates `service` from scratch: new detectors trained on its stored inputs up to one
 * checkpoint interval ago (at most {@link MAX_INPUT_SPAN_MS} of them), evaluated on that interval
 * beside the live version and promoted only when the gate says so (the refusal keeps its figures).
 * A promoted version replaces the serving detectors (then fed the samples after its training
 * data). Returns the decided version.
 */
export async function recalibrate(
  app: App,
  service: string,
  registry: DetectorRegistry = app.observation.detectors,
): Promise<ModelVersion> {
  const scope = calibrationScope(service);
  const horizonMs = app.config.config.observe.anomaly_checkpoint;
  const trained = await app.models.train(ANOMALY_CALIBRATION, scope, {
    horizonMs,
    windowMs: Math.max(horizonMs, MAX_INPUT_SPAN_MS - horizonMs),
  });
  const decided = await app.models.promote(ANOMALY_CALIBRATION, scope, trained.version);
  if (decided.status === "live") {
    // the new detectors, then the last interval's samples they were judged on (nothing refused)
    await restoreCalibration(app, registry, service, {
      codeVersion: app.models.model(ANOMALY_CALIBRATION).codeVersion,
      replay: true,
      now: app.clock.now(),
    });
  }
  return decided;
}
