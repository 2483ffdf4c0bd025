/** `histogram_quantile` over classic buckets, as Prometheus computes it (promql/quantile.go, 2.x). */

/** One cumulative bucket: upper bound (`le`) and count. */
export interface Bucket {
  upperBound: number;
  count: number;
}

/**
 * The φ-quantile of cumulative buckets by linear interpolation inside the bucket holding the
 * rank. NaN without a `+Inf` bucket, with < 2 buckets or no observations; φ < 0 → -Inf, φ > 1 → +Inf.
 * Counts that decrease with `le` (scrape races) are made monotonic first.
 */
export function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = [...input].sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length === 0 || sorted.at(-1)!.upperBound !== Number.POSITIVE_INFINITY) return Number.NaN;
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets.at(-1);
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ ...b });
  }
  let max = Number.NEGATIVE_INFINITY;
  for (const b of buckets) {
    if (b.count < max) b.count = max;
    else max = b.count;
  }
  if (buckets.length < 2) return Number.NaN;
  const observations = buckets.at(-1)!.count;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  let i = buckets.findIndex((b) => b.count >= rank);
  if (i === -1) i = buckets.length - 1;
  if (i === buckets.length - 1) return buckets[buckets.length - 2]!.upperBound;
  if (i === 0 && buckets[0]!.upperBound <= 0) return buckets[0]!.upperBound;
  let start = 0;
  const end = buckets[i]!.upperBound;
  let count = buckets[i]!.count;
  if (i > 0) {
    start = buckets[i - 1]!.upperBound;
    count -= buckets[i - 1]!.count;
    rank -= buckets[i - 1]!.count;
  }
  return start + (end - start) * (rank / count);
}
