/**
 * Java (and Kotlin/Scala on the JVM) traces: a `type: message` header, `\tat pkg.Class.method(File.java:12)`
 * frames, `Caused by:` chains, indented `Suppressed:` blocks and `... N more` (the last N frames
 * of the enclosing trace, which this parser copies in so every exception has its full stack).
 * A frame's file is derived from its class: `org.acme.Foo$1.run(Foo.java:7)` → `org/acme/Foo.java`.
 */
import { isLibraryFrame } from "./in-app.js";
import { interleavedWarning, nextAfterNoise } from "./noise.js";
import type { Frame, ParsedTrace, ParseResult, TraceParser } from "./types.js";

const TYPE = String.raw`((?:[A-Za-z_$][\w$]*\.)+[A-Z_$][\w$]*)`;
const HEADER = new RegExp(
  String.raw`^\s*(?:Exception in thread "[^"]*"\s+|Caused by:\s*|Suppressed:\s*)?${TYPE}(?::\s?(.*))?$`,
);
const HEADER_IN_LOG =
  /(?:^|[\s:=])((?:[A-Za-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Failure))(?::\s(.*))?$/;
const FRAME =
  /^\s*at\s+(?:[\w.@$-]*\/\/?)?([\w$.<>-]+)\.([\w$<>-]+)\((Native Method|Unknown Source(?::\d+)?|[^\s():]+(?::\d+)?)\)(?:\s+~?\[[^\]]*\])?\s*$/;
const MORE = /^\s*\.\.\. (\d+) (?:more|common frames omitted)\s*$/;
const CAUSED = /^(\s*)Caused by:\s*/;
const SUPPRESSED = /^(\s*)Suppressed:\s*/;
const MAX_MESSAGE_LINES = 400;

/** Reads one JVM frame line, or undefined when the line is not one. */
export function parseJavaFrame(raw: string): Frame | undefined {
  const m = FRAME.exec(raw);
  if (!m) return undefined;
  const [, cls = "", method = "", where = ""] = m;
  const dot = cls.lastIndexOf(".");
  const pkg = dot > 0 ? cls.slice(0, dot) : "";
  const outer = cls.slice(dot + 1).split("$")[0]!;
  const [name, lineText] = /^(Native Method|Unknown Source|SourceFile)/.test(where)
    ? [undefined, undefined]
    : where.split(":");
  const fileName = name ?? `${outer}.java`;
  const frame: Frame = {
    file: pkg ? `${pkg.replace(/\./g, "/")}/${fileName}` : fileName,
    function: method,
    module: cls,
    inApp: false,
    raw,
  };
  if (lineText) frame.line = Number(lineText);
  frame.inApp = !isLibraryFrame("java", frame);
  return frame;
}

const isFrameOrMore = (line: string) => FRAME.test(line) || MORE.test(line);
const indentOf = (line: string) => /^\s*/.exec(line)![0].replace(/ {4}/g, "\t").length;

/** Reads a header line (alone, or at the end of a log line) into type and message. */
function readHeader(line: string): { type: string; message: string } | undefined {
  const m = HEADER.exec(line) ?? HEADER_IN_LOG.exec(line);
  if (!m || FRAME.test(line)) return undefined;
  return { type: m[1]!, message: (m[2] ?? "").trim() };
}

/** Reads one exception (header, message lines, frames, suppressed blocks) starting at `start`. */
function readException(lines: readonly string[], start: number, enclosing: Frame[]): ParseResult | undefined {
  const header = readHeader(lines[start]!.replace(CAUSED, "").replace(SUPPRESSED, ""));
  if (!header) return undefined;
  const message = [header.message];
  let j = start + 1;
  while (j < lines.length && !isFrameOrMore(lines[j]!) && j - start <= MAX_MESSAGE_LINES) {
    if (readHeader(lines[j]!)) return undefined; // a later header is the real one
    message.push(lines[j++]!);
  }
  if (j >= lines.length || !isFrameOrMore(lines[j]!)) return undefined;
  const trace: ParsedTrace = {
    language: "java",
    exception: { type: header.type, message: message.join("\n").trim() },
    frames: [],
  };
  const ownIndent = indentOf(lines[start]!);
  let skipped = 0;
  while (j < lines.length) {
    const line = lines[j]!;
    const frame = parseJavaFrame(line);
    const more = MORE.exec(line);
    if (frame) trace.frames.push(frame);
    else if (more) trace.frames.push(...enclosing.slice(Math.max(0, enclosing.length - Number(more[1]))));
    else if (SUPPRESSED.test(line) && indentOf(line) > ownIndent) {
      const sub = readChain(lines, j, trace.frames);
      if (!sub) break;
      trace.suppressed = [...(trace.suppressed ?? []), sub.trace];
      j = sub.end;
      continue;
    } else {
      const next = CAUSED.test(line) || SUPPRESSED.test(line) ? undefined : nextAfterNoise(lines, j, isFrameOrMore);
      if (next === undefined) break;
      skipped += next - j;
      j = next;
      continue;
    }
    j++;
  }
  const warnings = skipped ? [interleavedWarning(skipped)] : [];
  if (/^\s*at\s/.test(lines[j] ?? ""))
    warnings.push(`truncated: unreadable frame line ${JSON.stringify(lines[j]!.trim())}`);
  if (warnings.length) trace.warnings = warnings;
  return { trace, end: j };
}

/** Reads an exception and its `Caused by:` chain at the same indentation. */
function readChain(lines: readonly string[], start: number, enclosing: Frame[]): ParseResult | undefined {
  const first = readException(lines, start, enclosing);
  if (!first) return undefined;
  const indent = indentOf(lines[start]!);
  const top = first.trace;
  let end = first.end;
  let previous = top.frames;
  while (
    end < lines.length &&
    CAUSED.test(lines[end]!) &&
    Math.abs(indentOf(lines[end]!) - indent) <= (indent ? 0 : 1)
  ) {
    const cause = readException(lines, end, previous);
    if (!cause) break;
    top.causes = [...(top.causes ?? []), cause.trace];
    top.relation = "cause";
    if (cause.trace.warnings) top.warnings = [...(top.warnings ?? []), ...cause.trace.warnings];
    previous = cause.trace.frames;
    end = cause.end;
  }
  return { trace: top, end };
}

/** The JVM trace parser. */
export const javaParser: TraceParser = {
  language: "java",
  parseAt: (lines, start) => readChain(lines, start, []),
};
