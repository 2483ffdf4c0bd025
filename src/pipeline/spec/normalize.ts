/** Small helpers that read short forms of the pipeline format as their long forms. */
import type { Scalar } from "./schema.js";

/** `x` → `[x]`, a list stays a list, absent → `[]` (for `needs`, `runs-on`, report globs). */
export function toList(value: string | string[] | undefined | null): string[] {
  if (value === undefined || value === null) return [];
  return typeof value === "string" ? [value] : value;
}

/** Renders an env/matrix scalar as the string a shell sees (`null` → empty). */
export function scalarToString(value: Scalar): string {
  return value === null ? "" : String(value);
}
