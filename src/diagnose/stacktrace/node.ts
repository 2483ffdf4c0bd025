/**
 * V8 traces (Node.js, TypeScript run on Node, Chromium): a `Type: message` header and frames
 * `at fn (file:line:col)`, `at file:line:col`, `at async fn (…)`, `at new X (…)`,
 * `at obj.fn [as alias] (…)`. `[cause]: Error: …` blocks of `util.inspect` output become causes.
 * `file://` URLs are turned into paths; `node:` internals and `node_modules` are library frames.
 */
import { isLibraryFrame } from "./in-app.js";
import { interleavedWarning, nextAfterNoise } from "./noise.js";
import type { Frame, ParsedTrace, ParseResult, TraceParser } from "./types.js";

const HEADER =
  /^\s*(?:Uncaught\s+|\[cause\]:\s*)?((?:[A-Z][\w$]*\.)*[A-Z][\w$]*(?:Error|Exception)?|Error)(?: \[[\w-]+\])?(?::\s?(.*))?$/;
const FRAME = /^\s*at (?:(async|new) )?(?:(.+?) (?:\[as ([^\]]+)\] )?\((.+)\)|(.+))\s*$/;
const LOCATION = /^(.*?):(\d+):(\d+)$/;
const MAX_MESSAGE_LINES = 20;

/** Reads one `at …` line, or undefined when it is not a V8 frame. */
export function parseNodeFrame(raw: string): Frame | undefined {
  const m = FRAME.exec(raw);
  if (!m) return undefined;
  let where = (m[4] ?? m[5] ?? "").trim();
  const evalAt = /, (<anonymous>|[^,]+:\d+:\d+)$/.exec(where); // `eval at fn (file:1:2), <anonymous>:3:4`
  if (where.startsWith("eval at ") && evalAt) where = evalAt[1]!;
  const loc = LOCATION.exec(where);
  const special = /^(native|<anonymous>|index \d+)$/.test(where);
  if (!loc && !special) return undefined;
  if (!loc && !m[2]) return undefined;
  let file = loc ? loc[1]! : where;
  if (file.startsWith("file://"))
    file = decodeURIComponent(file.slice("file://".length)).replace(/^\/([A-Za-z]:\/)/, "$1");
  const frame: Frame = { file, inApp: false, raw };
  if (loc) {
    frame.line = Number(loc[2]);
    frame.column = Number(loc[3]);
  }
  const fn = m[2] ? (m[1] === "new" ? `new ${m[2]}` : m[2]) : undefined;
  if (fn) frame.function = fn;
  const pkg = /(?:^|[/\\])node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(file);
  if (pkg) frame.module = pkg[1]!.replace(/\\/g, "/");
  frame.inApp = !isLibraryFrame("node", frame);
  return frame;
}

const isFrame = (line: string) => parseNodeFrame(line) !== undefined;

/** Reads one error (header, message lines, frames) and any `[cause]:` that follows. */
function readError(lines: readonly string[], start: number): ParseResult | undefined {
  const header = HEADER.exec(lines[start]!);
  if (!header || /^\s*at /.test(lines[start]!)) return undefined;
  const message = [header[2] ?? ""];
  let j = start + 1;
  while (j < lines.length && !isFrame(lines[j]!) && j - start <= MAX_MESSAGE_LINES) {
    if (HEADER.test(lines[j]!) && lines[j]!.includes(":")) return undefined; // a later header is the real one
    message.push(lines[j++]!);
  }
  if (j >= lines.length || !isFrame(lines[j]!)) return undefined;
  const trace: ParsedTrace = {
    language: "node",
    exception: { type: header[1]!, message: message.join("\n").trim() },
    frames: [],
  };
  let skipped = 0;
  while (j < lines.length) {
    const frame = parseNodeFrame(lines[j]!);
    if (frame) {
      trace.frames.push(frame);
      j++;
      continue;
    }
    if (/^\s*at /.test(lines[j]!) || /^\s*(\{|\}|\.\.\. \d+ lines? matching)/.test(lines[j]!)) {
      j++; // an unparseable frame, an inspect brace, or "... 4 lines matching cause stack trace ..."
      continue;
    }
    if (/^\s*\[cause\]:/.test(lines[j]!)) {
      const cause = readError(lines, j);
      if (!cause) break;
      trace.causes = [cause.trace, ...(cause.trace.causes ?? [])];
      delete cause.trace.causes;
      trace.relation = "cause";
      j = cause.end;
      continue;
    }
    const next = nextAfterNoise(lines, j, isFrame);
    if (next === undefined) break;
    skipped += next - j;
    j = next;
  }
  if (skipped) trace.warnings = [interleavedWarning(skipped)];
  return { trace, end: j };
}

/** The Node.js / V8 trace parser. */
export const nodeParser: TraceParser = {
  language: "node",
  parseAt: readError,
};
