/** Defaults and limits of the pipeline format that more than one stage needs. */
import { HOUR_MS } from "../duration.js";

/** Job timeout when the file sets none. */
export const DEFAULT_JOB_TIMEOUT_MS = HOUR_MS;
/** Longest timeout a job or step may have. */
export const MAX_TIMEOUT_MS = 24 * HOUR_MS;
/** Wait before the first retry when `retries.backoff` is not given (the runner doubles it). */
export const DEFAULT_BACKOFF_MS = 1000;

const JS_TESTS = "**/*.{test,spec}.{js,mjs,cjs,jsx,ts,mts,cts,tsx}";
const NOT_DEPENDENCIES = ["!**/node_modules/**", "!**/.venv/**"];

/** Test file globs of a `tests:` block that sets no `files` (framework `file` has none: lint requires them). */
export const DEFAULT_TEST_FILES: Record<"vitest" | "jest" | "node-test" | "pytest", string[]> = {
  vitest: [JS_TESTS, ...NOT_DEPENDENCIES],
  jest: [JS_TESTS, ...NOT_DEPENDENCIES],
  "node-test": ["**/*.test.{js,mjs,cjs}", ...NOT_DEPENDENCIES],
  pytest: ["**/test_*.py", "**/*_test.py", ...NOT_DEPENDENCIES],
};

/** The command a test step runs when it sets no `run` (pitcrew appends its own arguments and one test file). */
export const DEFAULT_TEST_COMMANDS: Record<"vitest" | "jest" | "node-test" | "pytest", string> = {
  vitest: "npx --no -- vitest run",
  jest: "npx --no -- jest",
  "node-test": "node --test",
  pytest: "python3 -m pytest",
};

/** Where a test step's normalised JUnit reports go, per step index (collected with the job's reports). */
export const TEST_REPORTS_DIR = ".pitcrew/tests";
