/** Parses a JSON column, falling back to `fallback` for NULL. */
export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  return text == null ? fallback : (JSON.parse(text) as T);
}
