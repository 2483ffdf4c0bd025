/**
 * Checkpoints of the anomaly detectors' calibration: every `observe.anomaly_checkpoint` the leader
 * updates each registered service's `anomaly-calibration` model online with the detector inputs
 * stored since its live version (`updateModelOnline`, behind the validation gate). A kept update
 * is the new live version, what a restart restores. A rolled-back one is never applied: the
 * service's serving detectors are put back to the live version (without the rejected samples).
 * The schedule is calibration-schedule.ts.
 */
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
