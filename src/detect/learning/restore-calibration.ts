/**
 * Puts a service's checkpointed calibration back into the serving detectors: each series' detector
 * is restored from the live `anomaly-calibration` version and, with `replay`, fed the stored inputs
 * that arrived after it (so after a restart the detectors are where they were when the server
 * stopped, not learning again). A version saved by other code or detector settings is refused as
 * a whole with a warning saying why, and those series start learning.
 */
import type { Logger } from "../../common/logger.js";
import type { Store } from "../../store/index.js";
import { type DetectorRegistry, SnapshotError } from "../anomaly/index.js";
import { ANOMALY_CALIBRATION, type CalibrationState, calibrationScope } from "./anomaly-calibration-model.js";
import { storedInputs } from "./anomaly-inputs.js";

/** What a restore did for one service. */
export interface CalibrationRestore {
  /** The live version restored (undefined when none, or refused). */
  version?: number;
  /** Series restored. */
  series: number;
  /** Stored inputs fed after the version's newest sample. */
  replayed: number;
}

/**
 * Restores `service`'s series in `registry` from the live version of the calibration (built by
 * code `codeVersion`), then with `replay` feeds them the stored inputs after it up to `now`.
 */
export async function restoreCalibration(
  deps: { store: Store; log: Logger },
  registry: DetectorRegistry,
  service: string,
  opts: { codeVersion: string; replay: boolean; now: number },
): Promise<CalibrationRestore> {
  const live = await deps.store.modelVersions.live(ANOMALY_CALIBRATION, calibrationScope(service));
  if (live === undefined) return { series: 0, replayed: 0 };
  const refuse = (why: string): CalibrationRestore => {
    deps.log.warn(
      { service, version: live.version },
      `anomaly calibration v${live.version} of ${service} not restored: ${why}; its detectors learn again`,
    );
    return { series: 0, replayed: 0 };
  };
  if (live.codeVersion !== opts.codeVersion) {
    return refuse(`saved by ${live.codeVersion}, this server runs ${opts.codeVersion}`);
  }
  const state = live.state as CalibrationState;
  try {
    registry.restore(state.series, `${ANOMALY_CALIBRATION} v${live.version}`);
  } catch (err) {
    if (!(err instanceof SnapshotError)) throw err;
    return refuse(err.message);
  }
  let replayed = 0;
  if (opts.replay) {
    for (const i of await storedInputs(deps.store, service, { from: state.through + 1, to: opts.now })) {
      registry.update(i.series, i.at, i.value);
      replayed++;
    }
  }
  return { version: live.version, series: state.series.length, replayed };
}
