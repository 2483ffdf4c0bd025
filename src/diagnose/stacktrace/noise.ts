/**
 * Tolerance for foreign lines inside a trace: when log lines of another thread or process land
 * between two frames, parsers skip a few of them (and say so in a warning) instead of ending the
 * trace early.
 */

/** How many foreign lines in a row a parser steps over inside one trace. */
export const MAX_NOISE_LINES = 3;

/**
 * Index of the next line at or after `from` that `continues` accepts, when at most
 * `MAX_NOISE_LINES` other non-blank lines come first; undefined otherwise (the trace ends there).
 */
export function nextAfterNoise(
  lines: readonly string[],
  from: number,
  continues: (line: string) => boolean,
): number | undefined {
  let noise = 0;
  for (let j = from; j < lines.length && noise <= MAX_NOISE_LINES; j++) {
    const line = lines[j]!;
    if (continues(line)) return noise > 0 ? j : undefined;
    if (line.trim() === "") return undefined;
    noise++;
  }
  return undefined;
}

/** Warning text for `count` skipped foreign lines. */
export function interleavedWarning(count: number): string {
  return `interleaved: ${count} unrelated line${count === 1 ? "" : "s"} inside the trace were skipped`;
}
