/**
 * The settings of co-failure counting and selection: the state of the `test-cofailure` model.
 * A leaf module (no imports): the model, the selector and the registry read these constants
 * while their modules load.
 */

/**
 * How co-failure is counted and when it selects a test file: the state of the `test-cofailure`
 * model (src/testintel/select/co-failure-model.ts), the shipped rule while no version is live.
 */
export interface CoFailureSettings {
  /** Newest commits of the history counted. */
  commits: number;
  /** Pseudo-commits of shrinkage towards the test file's own failure rate. */
  priorWeight: number;
  /** Co-failure probability from which a changed file selects a test file. */
  threshold: number;
  /** Fewest commits on which the file changed and the test file failed, for it to select. */
  minSupport: number;
}

/** The rule selection always used: the last 300 commits, 2 pseudo-commits, p ≥ 0.15, one co-failure. */
export const SHIPPED_CO_FAILURE: Readonly<CoFailureSettings> = {
  commits: 300,
  priorWeight: 2,
  threshold: 0.15,
  minSupport: 1,
};

/** The settings in words, e.g. `last 300 commits, prior 2, p ≥ 0.15, support 1`. */
export function describeCoFailureSettings(s: CoFailureSettings): string {
  return `last ${s.commits} commits, prior ${s.priorWeight}, p ≥ ${s.threshold}, support ${s.minSupport}`;
}

/** Name of the learned model whose versions are co-failure settings (`test-cofailure`). */
export const TEST_COFAILURE = "test-cofailure";

/** A stored state as settings, or undefined when it is not one (another code version's, a hand-edited row). */
export function coFailureSettingsOf(state: unknown): CoFailureSettings | undefined {
  const s = state as Partial<CoFailureSettings> | null;
  if (s === null || typeof s !== "object") return undefined;
  const { commits, priorWeight, threshold, minSupport } = s;
  const int = (x: unknown, max: number) => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= max;
  const real = (x: unknown, max: number) => typeof x === "number" && x >= 0 && x <= max;
  if (!int(commits, SHIPPED_CO_FAILURE.commits) || !int(minSupport, 1000)) return undefined;
  if (!real(priorWeight, 1000) || !real(threshold, 1)) return undefined;
  return { commits: commits!, priorWeight: priorWeight!, threshold: threshold!, minSupport: minSupport! };
}
