import type { SortedWindow } from "./sorted-window.js";

/** Converts an interquartile range to a normal-consistent standard deviation. */
const IQR_TO_SD = 1.349;
/** Converts the 10–90 % range to a normal-consistent standard deviation. */
const IDR_TO_SD = 2.563;

/**
 * A robust spread of a window in standard-deviation units: IQR/1.349, else the 10–90 % range/2.563
 * when more than half the values tie, else a floor relative to the median's magnitude so that a
 * perfectly flat series still yields finite (and large) scores for any change.
 */
export function robustScale(window: SortedWindow): number {
  const iqr = window.quantile(0.75) - window.quantile(0.25);
  if (iqr > 0) return iqr / IQR_TO_SD;
  const idr = window.quantile(0.9) - window.quantile(0.1);
  if (idr > 0) return idr / IDR_TO_SD;
  const spread = window.quantile(1) - window.quantile(0);
  if (spread > 0) return spread / (2 * IDR_TO_SD);
  return 1e-3 * Math.abs(window.quantile(0.5)) + 1e-9;
}
