/**
 * What kind of error a log record is, so the same failure is recognised across records, releases
 * and time: a stack trace's exception type and top in-app frame (`TypeError@src/cart.mjs:42
 * (lineTotal)`), or else the record's first line with numbers masked. A frame's file is taken
 * below pitcrew's release checkout (`<data_dir>/releases/<id>/`), so two releases running the
 * same code log the same signature.
 */
import { normalizeFramePath } from "../locate/repo-map.js";
import { findTraces } from "../stacktrace/detect.js";
import { recordText } from "../stacktrace/record-text.js";
import type { LogRecord } from "../../store/index.js";

/** A record's error signature. */
export interface ErrorSignature {
  /** Equal for records of the same failure. */
  key: string;
  /** `<type>: <message> at <frame>`, or the masked first line. */
  summary: string;
  /** True when the record carries a stack trace. */
  traced: boolean;
}

/** The signature of `r` (see the module comment). */
export function errorSignature(r: Pick<LogRecord, "message" | "attributes">): ErrorSignature {
  const text = recordText(r);
  const found = text.includes("\n") ? findTraces(text)[0] : undefined;
  if (found) {
    const t = found.trace;
    const top = t.frames.find((f) => f.inApp) ?? t.frames[0];
    const where = top
      ? `${releaseRelative(top.file)}:${top.line ?? "?"}${top.function ? ` (${top.function})` : ""}`
      : "an unknown frame";
    return {
      key: `${t.exception.type}@${where}`,
      summary: `${t.exception.type}: ${t.exception.message} at ${where}`,
      traced: true,
    };
  }
  const shape = (r.message.split("\n")[0] ?? "").replace(/\d+/g, "#").slice(0, 200);
  return { key: shape, summary: shape, traced: false };
}

/** A frame's file below a release checkout (`…/releases/<id>/src/x.js` → `src/x.js`), else as it is. */
function releaseRelative(file: string): string {
  return normalizeFramePath(file).replace(/^.*\/releases\/\d+\//, "");
}
