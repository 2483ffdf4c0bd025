/**
 * Grouping accuracy (Zhu et al., "Tools and Benchmarks for Automated Log Parsing", ICSE-SEIP 2019):
 * a line counts as correct when the set of lines its predicted group holds is exactly the set of
 * lines its true group holds; the result is correct lines / all lines (1 for no lines). Labels are
 * compared by index: `predicted[i]` and `truth[i]` describe line i.
 */
export function groupingAccuracy(predicted: readonly string[], truth: readonly string[]): number {
  if (predicted.length !== truth.length) throw new RangeError("predicted and truth differ in length");
  if (truth.length === 0) return 1;
  const truthSize = countBy(truth);
  const groups = new Map<string, { truth: string | undefined; size: number; pure: boolean }>();
  predicted.forEach((p, i) => {
    const g = groups.get(p);
    if (!g) groups.set(p, { truth: truth[i], size: 1, pure: true });
    else {
      g.size++;
      if (g.truth !== truth[i]) g.pure = false;
    }
  });
  let correct = 0;
  for (const g of groups.values()) if (g.pure && truthSize.get(g.truth!) === g.size) correct += g.size;
  return correct / truth.length;
}

function countBy(labels: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return counts;
}
