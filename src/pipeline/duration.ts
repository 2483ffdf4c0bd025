/**
 * Durations as pipeline files write them: `"90s"`, `"10m"`, `"1h30m"`, `"250ms"`, or a plain
 * number of seconds. Everything inside pitcrew is milliseconds (DESIGN.md §8).
 */

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

/** One hour in milliseconds, handy for limits. */
export const HOUR_MS = 3_600_000;

/**
 * Parses a duration into milliseconds, or returns an error message. Units must appear in
 * decreasing order (`1h30m`, not `30m1h`) and at most once each.
 */
export function parseDuration(input: string | number): { ms: number } | { error: string } {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0) return { error: `duration must be a non-negative number of seconds` };
    return { ms: Math.round(input * 1000) };
  }
  const text = input.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return { ms: Math.round(Number(text) * 1000) };
  const bad = { error: `invalid duration '${input}' (expected e.g. "90s", "10m", "1h30m" or a number of seconds)` };
  if (text === "") return bad;
  const order = ["h", "m", "s", "ms"];
  let last = -1;
  let ms = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const match = PART.exec(text);
    if (!match) return bad;
    const unit = match[2]!;
    const rank = order.indexOf(unit);
    if (rank <= last) return bad;
    last = rank;
    ms += Number(match[1]) * UNIT_MS[unit]!;
  }
  return { ms: Math.round(ms) };
}
