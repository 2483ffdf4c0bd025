/** Enumerates every string in a parsed YAML value with its path (map values and list items). */

/** A string found in a value, with the path that leads to it. */
export interface StringAt {
  path: PropertyKey[];
  value: string;
}

/** All strings inside `value`, depth-first in document order. */
export function walkStrings(value: unknown, path: PropertyKey[] = []): StringAt[] {
  if (typeof value === "string") return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => walkStrings(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => walkStrings(v, [...path, k]));
  }
  return [];
}
