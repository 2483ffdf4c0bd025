/**
 * The schedule of the anomaly calibration (leader only): every `observe.anomaly_checkpoint`, for
 * each registered service, the live version is checked for drift (calibration-drift.ts, which
 * recalibrates through the gate when drifted), then the detectors are checkpointed
 * (anomaly-checkpoints.ts). One pass at a time; a service with too few new samples is skipped
 * until the next pass.
 */
import { ConflictError, ValidationError } from "../common/errors.js";
import type { DetectorRegistry } from "../detect/index.js";
import { checkpointCalibration } from "./anomaly-checkpoints.js";
import type { App } from "./app.js";
import { checkCalibrationDrift } from "./calibration-drift.js";

/** Starts the checkpoint schedule over the services watched through `registry`; returns the stop function. */
export function startAnomalyCheckpoints(app: App, registry: DetectorRegistry = app.observation.detectors): () => void {
  let busy = false;
  const pass = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const svc of await app.store.services.list()) {
        await driftCheck(app, svc.name, registry);
        await checkpoint(app, svc.name, registry);
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void pass(), app.config.config.observe.anomaly_checkpoint);
  timer.unref();
  return () => clearInterval(timer);
}

/** The drift check of one service (and its recalibration when drifted), logged; a failure does not stop the checkpoint. */
async function driftCheck(app: App, service: string, registry: DetectorRegistry): Promise<void> {
  try {
    const { report, recalibrated: r } = await checkCalibrationDrift(app, service, registry);
    if (!report?.drifted) return;
    app.log.warn({ service, reasons: report.reasons }, "anomaly calibration drifted");
    if (r) app.log.info({ model: r.model, scope: r.scope, version: r.version, status: r.status }, r.reason);
  } catch (err) {
    if (err instanceof ValidationError) app.log.info({ err, service }, "anomaly calibration not recalibrated");
    else app.log.warn({ err, service }, "anomaly calibration drift check failed");
  }
}

/** One service's checkpoint, logged. */
async function checkpoint(app: App, service: string, registry: DetectorRegistry): Promise<void> {
  try {
    const v = await checkpointCalibration(app, service, registry);
    app.log.info({ model: v.model, scope: v.scope, version: v.version, status: v.status }, v.reason);
  } catch (err) {
    if (err instanceof ValidationError) app.log.debug({ err, service }, "calibration not checkpointed");
    else if (err instanceof ConflictError) app.log.info({ err, service }, "calibration checkpoint superseded");
    else app.log.warn({ err, service }, "calibration checkpoint failed");
  }
}
