/**
 * Memory sizes as pipelines and `pitcrew agent --capacity` write them: a number with a binary
 * unit, `512m`, `4g`, `1.5G`, `8GiB`, `2gb` (k, m, g, t are powers of 1024). Everything inside
 * pitcrew is bytes (DESIGN.md §8).
 */

const UNIT_BYTES: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
const SIZE = /^(\d+(?:\.\d+)?)\s*([kmgt])(?:i?b)?$/i;

/** Parses a memory size into bytes, or returns an error message; a size must have a unit. */
export function parseMemorySize(input: string): { bytes: number } | { error: string } {
  const m = SIZE.exec(input.trim());
  const bytes = m ? Math.round(Number(m[1]) * UNIT_BYTES[m[2]!.toLowerCase()]!) : 0;
  if (!m || bytes <= 0) return { error: `invalid memory size '${input}' (expected e.g. "512m", "4g" or "8GiB")` };
  return { bytes };
}
