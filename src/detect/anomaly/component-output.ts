import { scoreFromP, surprise } from "./surprise.js";
import type { TailCalibrator } from "./tail-calibrator.js";
import type { ComponentOutput } from "./types.js";

/** Calibrated values needed before a component's p-values are used (its tail fit needs ~50). */
export const MIN_CALIBRATION = 50;

/** Output of a component that cannot judge yet (its p is 1). */
export function notReady(explanation: string): ComponentOutput {
  return { score: 0, p: 1, ready: false, explanation };
}

/** Calibrates a strangeness value with `calibrator` (learning it) and builds the component output. */
export function calibrated(
  calibrator: TailCalibrator,
  strangeness: number,
  explanation: string,
  features: Record<string, number> = {},
): ComponentOutput {
  const learnt = calibrator.size;
  const p = calibrator.update(strangeness);
  if (learnt < MIN_CALIBRATION) return { ...notReady(explanation), features: { ...features, strangeness } };
  return {
    score: scoreFromP(p),
    p,
    ready: true,
    explanation,
    features: { ...features, strangeness, surprise: surprise(p) },
  };
}
