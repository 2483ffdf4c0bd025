import { apfd } from "../../src/testintel/index.js";

/** APFD (one copy, in src/testintel: 1 − ΣTFᵢ/(n·m) + 1/(2n)), re-exported for the bench scripts. */
export { apfd };

/**
 * The cost-cognizant APFDc (Elbaum et al. 2001, equal fault severities) of an order given each
 * test's duration in ms: the share of test time during which each fault is already detected,
 * averaged over faults.
 */
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
