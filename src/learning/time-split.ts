import { ValidationError } from "../common/errors.js";

/** Default evaluation horizon h: the week after the training window. */
export const DEFAULT_HORIZON_MS = 7 * 24 * 3600_000;
/** Default training window: the half year before T. */
export const DEFAULT_WINDOW_MS = 180 * 24 * 3600_000;

/** Where a time split cuts: train on [trainFrom, trainTo], evaluate on (trainTo, evalTo]. */
export interface TimeSplit {
  trainFrom: number;
  trainTo: number;
  evalTo: number;
}

/**
 * The split for evaluating at `evalTo` (default now): T = evalTo − horizon, training on the
 * `window` before T, evaluation on (T, evalTo] that the candidate never saw.
 */
export function timeSplit(
  now: number,
  opts: { evalTo?: number; horizonMs?: number; windowMs?: number } = {},
): TimeSplit {
  const evalTo = opts.evalTo ?? now;
  const horizon = opts.horizonMs ?? DEFAULT_HORIZON_MS;
  const window = opts.windowMs ?? DEFAULT_WINDOW_MS;
  if (!(horizon > 0) || !(window > 0) || !Number.isFinite(evalTo)) {
    throw new ValidationError(`a time split needs a positive horizon and window (got ${horizon} ms, ${window} ms)`);
  }
  return { trainFrom: evalTo - horizon - window, trainTo: evalTo - horizon, evalTo };
}
