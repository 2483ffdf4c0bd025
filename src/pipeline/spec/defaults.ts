/** Defaults and limits of the pipeline format that more than one stage needs. */
import { HOUR_MS } from "../duration.js";

/** Job timeout when the file sets none. */
export const DEFAULT_JOB_TIMEOUT_MS = HOUR_MS;
/** Longest timeout a job or step may have. */
export const MAX_TIMEOUT_MS = 24 * HOUR_MS;
/** Wait before the first retry when `retries.backoff` is not given (the runner doubles it). */
export const DEFAULT_BACKOFF_MS = 1000;
