/**
 * Frames that only check a condition, build or route an error, or count: the bug is in whoever
 * called them. Recognised by name — argument checkers (`Validate.isTrue`, `checkArgument`),
 * exception factories and reporters (`JsonMappingException.from`, `Reporter`), problem handlers
 * (`handleUnknownProperty`) — and by delegation: a method that only forwards to such a helper
 * under (nearly) its name (`fixAccess` → `checkAndFixAccess`, an overload of `handleUnexpectedToken`)
 * is one too.
 */
import type { Frame, ParsedTrace } from "../stacktrace/types.js";

const HELPER_FUNCTION =
  /^_?(check|validate|require|assert|ensure|verify|throw|raise|report|fail)([A-Z_]|$)|^(isTrue|notNull|notEmpty|notBlank|handleViolation|wrapWithPath)$|^_?[a-z]\w*(Error|Exception)$|^_?handle(Unknown|Missing|Unexpected|Weird|Bad|Invalid|Illegal|Unresolved|Unrecognized|Problem|Error|Failure|Exception)/;
const HELPER_CLASS =
  /(^|[.$])(Validate|Validator|Preconditions|Assert|Objects|Guard|Ensure|Check|\w*Reporter|\w*Exception|\w*Error)$/;

const bare = (name: string | undefined) => (name ?? "").replace(/^_+/, "");

/** True when `outer` calls `inner` under its own name or the tail of it (`fixAccess` → `checkAndFixAccess`). */
function forwardsTo(outer: Frame, inner: Frame): boolean {
  const o = bare(outer.function);
  const i = bare(inner.function);
  return o !== "" && (i === o || i.endsWith(o[0]!.toUpperCase() + o.slice(1)));
}

/** A helper by its own name or class. */
function namedHelper(frame: Frame, trace: ParsedTrace): boolean {
  return (
    HELPER_FUNCTION.test(frame.function ?? "") ||
    HELPER_CLASS.test(frame.module ?? "") ||
    frame.module === trace.exception.type
  );
}

/** True when `frame` (one of `trace.frames`) is a helper or only forwards to one. */
export function isHelperFrame(frame: Frame, trace: ParsedTrace): boolean {
  if (namedHelper(frame, trace)) return true;
  const frames = trace.frames;
  for (let i = frames.indexOf(frame) - 1; i >= 0 && frames[i]!.inApp && forwardsTo(frames[i + 1]!, frames[i]!); i--)
    if (namedHelper(frames[i]!, trace)) return true;
  return false;
}
