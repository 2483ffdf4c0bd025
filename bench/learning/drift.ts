/**
 * Drift on a real stream: the test-failure model is trained on the first half of a project's
 * cycles (its reference profile made as the registry makes it), then the second half streams in,
 * checked after every cycle over the latest week of cycles with the same PSI as `checkDrift`.
 * From three weeks into the stream the inputs drift (every test fails at a seeded 30 % rate, as on a
 * broken runner). Reported: checks past the bound before the shift (false alarms) and cycles from
 * the shift to the first check past the bound (the configured bound: within one week).
 */
import { DEFAULT_DRIFT_BOUNDS, featureProfile, populationStability, seededRandom } from "../../src/learning/index.js";
import { type TimedRun, testFailureModel } from "../../src/testintel/index.js";

/** What the drift replay found. */
export interface DriftResult {
  weekCycles: number;
  checksBeforeShift: number;
  falseAlarms: number;
  /** Cycles from the shift until the first check past the bound (undefined: never). */
  delay: number | undefined;
  maxPsiBefore: number;
  psiAtDetection: number | undefined;
}

/** Runs the drift replay on one project's cycles. */
export function driftReplay(cycles: readonly TimedRun[], weekCycles: number): DriftResult {
  const half = Math.floor(cycles.length / 2);
  const train = cycles.slice(0, half);
  const cut = Math.floor(train.length * 0.7);
  const profile = Object.fromEntries(
    Object.entries(testFailureModel.features(train.slice(0, cut), train.slice(cut))).map(([f, v]) => [
      f,
      featureProfile(v),
    ]),
  );
  const shift = half + 3 * weekCycles;
  const next = seededRandom(11);
  const stream = cycles.map((c, i) =>
    i < shift
      ? c
      : {
          at: c.at,
          run: {
            label: c.run.label,
            results: new Map([...c.run.results].map(([id, r]) => [id, { ...r, failed: next() < 0.3 }])),
          },
        },
  );
  let falseAlarms = 0;
  let checks = 0;
  let maxPsiBefore = 0;
  for (let i = half + weekCycles; i <= stream.length; i++) {
    const recent = stream.slice(i - weekCycles, i);
    const features = testFailureModel.features(stream.slice(0, i - weekCycles), recent);
    const psi = Math.max(...Object.entries(features).map(([f, v]) => populationStability(profile[f]!, v)));
    if (i <= shift) {
      checks++;
      maxPsiBefore = Math.max(maxPsiBefore, psi);
      if (psi > DEFAULT_DRIFT_BOUNDS.psi) falseAlarms++;
    } else if (psi > DEFAULT_DRIFT_BOUNDS.psi) {
      return {
        weekCycles,
        checksBeforeShift: checks,
        falseAlarms,
        delay: i - shift,
        maxPsiBefore,
        psiAtDetection: psi,
      };
    }
  }
  return {
    weekCycles,
    checksBeforeShift: checks,
    falseAlarms,
    delay: undefined,
    maxPsiBefore,
    psiAtDetection: undefined,
  };
}
