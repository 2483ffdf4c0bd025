/**
 * Checkpoints of the anomaly detectors' calibration: every `observe.anomaly_checkpoint` the leader
 * updates each registered service's `anomaly-calibration` model online with the detector inputs
 * stored since its live version (`updateModelOnline`, behind the validation gate). A kept update
 * is the new live version, what a restart restores. A rolled-back one is never applied: the
 * service's serving detectors are put back to the live version (without the rejected samples).
 * One pass at a time; a service with too few new samples is skipped until the next pass.
 */
import { ConflictError, ValidationError } from "../common/errors.js";
import { ANOMALY_CALIBRATION, calibrationScope, type DetectorRegistry, restoreCalibration } from "../detect/index.js";
import type { ModelVersion } from "../store/index.js";
import type { App } from "./app.js";
import { updateModelOnline } from "./online-model-updates.js";

/**
 * Checkpoints `service`'s calibration now; when the update is rolled back, restores the service's
 * detectors in `registry` from the live version. Returns the stored version.
 */
export async function checkpointCalibration(
  app: App,
  service: string,
  registry: DetectorRegistry = app.observation.detectors,
): Promise<ModelVersion> {
  const v = await updateModelOnline(app, ANOMALY_CALIBRATION, calibrationScope(service));
  if (v.status === "refused") await resetCalibration(app, service, registry);
  return v;
}

/**
 * Puts `service`'s serving detectors back to its live calibration version (after a rolled-back
 * update or a rollback), without the samples since: what the gate refused is not applied. With no
 * live version (rolled back to the shipped default) they start learning.
 */
export async function resetCalibration(
  app: App,
  service: string,
  registry: DetectorRegistry = app.observation.detectors,
): Promise<void> {
  if ((await app.store.modelVersions.live(ANOMALY_CALIBRATION, calibrationScope(service))) === undefined) {
    for (const key of registry.keys()) if (key.startsWith(`${service}/`)) registry.delete(key);
    return;
  }
  const codeVersion = app.models.model(ANOMALY_CALIBRATION).codeVersion;
  await restoreCalibration(app, registry, service, { codeVersion, replay: false, now: app.clock.now() });
}

/** Starts the checkpoint schedule over the services watched through `registry`; returns the stop function. */
export function startAnomalyCheckpoints(app: App, registry: DetectorRegistry = app.observation.detectors): () => void {
  let busy = false;
  const pass = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const svc of await app.store.services.list()) {
        try {
          const v = await checkpointCalibration(app, svc.name, registry);
          app.log.info({ model: v.model, scope: v.scope, version: v.version, status: v.status }, v.reason);
        } catch (err) {
          if (err instanceof ValidationError) app.log.debug({ err, service: svc.name }, "calibration not checkpointed");
          else if (err instanceof ConflictError)
            app.log.info({ err, service: svc.name }, "calibration checkpoint superseded");
          else app.log.warn({ err, service: svc.name }, "calibration checkpoint failed");
        }
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void pass(), app.config.config.observe.anomaly_checkpoint);
  timer.unref();
  return () => clearInterval(timer);
}
