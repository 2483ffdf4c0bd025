/**
 * APFD (average percentage of faults detected) of an order, each failing test counted as one
 * fault: 1 − (TF1 + … + TFm)/(n·m) + 1/(2n), TFi the 1-based position of failing test i. And the
 * cost-cognizant APFDc (Elbaum et al. 2001, equal fault severities): the share of test time
 * during which each fault is already detected, averaged over faults.
 */
export function apfd(order: readonly string[], failing: ReadonlySet<string>): number {
  const n = order.length;
  let sum = 0;
  order.forEach((id, i) => {
    if (failing.has(id)) sum += i + 1;
  });
  return 1 - sum / (n * failing.size) + 1 / (2 * n);
}

/** APFDc of an order given each test's duration in ms. */
export function apfdc(
  order: readonly string[],
  failing: ReadonlySet<string>,
  durations: ReadonlyMap<string, number>,
): number {
  const t = order.map((id) => Math.max(durations.get(id) ?? 0, 1));
  const total = t.reduce((a, b) => a + b, 0);
  let after = total;
  let sum = 0;
  order.forEach((id, i) => {
    if (failing.has(id)) sum += after - t[i]! / 2;
    after -= t[i]!;
  });
  return sum / (total * failing.size);
}
