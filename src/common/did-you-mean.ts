/**
 * "Did you mean": the closest of a set of known names to a misspelt one, by edit distance
 * (insertions, deletions, substitutions and swaps of two neighbours each cost 1), the way
 * compilers suggest a name after a typo.
 */

/**
 * The known name closest to `word`, or undefined when none is close enough to be a typo (at most
 * one edit for names up to 4 characters, two up to 9, three beyond). Ties go to the first listed.
 *
 * @example closestName("timout", ["timeout", "retries"]) // "timeout"
 */
export function closestName(word: string, known: Iterable<string>): string | undefined {
  const limit = word.length <= 4 ? 1 : word.length <= 9 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    if (candidate === word) continue;
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `; did you mean 'x'?` for the closest known name, or an empty string. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const match = closestName(word, known);
  return match === undefined ? "" : `; did you mean '${match}'?`;
}

/** Optimal-string-alignment distance between two strings. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...Array<number>(b.length).fill(0)]);
  const first = rows[0]!;
  for (let j = 0; j <= b.length; j++) first[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    const above = rows[i - 1]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
      }
    }
  }
  return rows[a.length]![b.length]!;
}
