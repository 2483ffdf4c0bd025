/**
 * Text placed inside a quoted PromQL string (a label matcher's value, a templated query): the
 * one escaper every caller uses, so a value cannot break out of its quotes.
 */

const ESCAPES: Record<string, string> = { "\\": "\\\\", '"': '\\"', "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Escapes `value` for the inside of a double- or single-quoted PromQL string (backslash, both
 * quotes, newline, CR, tab). Backtick (raw) strings cannot escape anything: never put values there.
 */
export function escapePromqlString(value: string): string {
  return value.replace(/[\\"'\n\r\t]/g, (c) => ESCAPES[c] as string);
}
