/**
 * Severity from content: a record stored below `warn` whose text holds a stack trace (a plain-text
 * Node.js, Python, Java, Go or .NET trace printed to stderr, or one in a `stack`-like attribute)
 * is an error, whatever level its stream or logger gave it. The level it came with is kept in the
 * attribute `inferred_from_level`. Only multi-line texts are parsed, so one-line records cost a
 * string search.
 */
import { findTraces, recordText } from "../../diagnose/index.js";
import type { LogRecord } from "../../store/index.js";

const QUIET = new Set(["trace", "debug", "info"]);

/** `r`, or a copy at level `error` when it is quiet and carries a stack trace. */
export function inferLevel(r: LogRecord): LogRecord {
  if (!QUIET.has(r.level)) return r;
  const text = recordText(r);
  if (!text.includes("\n")) return r;
  let traced: boolean;
  try {
    traced = findTraces(text).length > 0;
  } catch {
    traced = false; // binary or oversized text is no trace
  }
  return traced ? { ...r, level: "error", attributes: { ...r.attributes, inferred_from_level: r.level } } : r;
}
