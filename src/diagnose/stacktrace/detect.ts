/**
 * Finds stack traces in whatever text a user or a log pipeline hands over: a bare trace, noisy
 * application logs, container logs with prefixes, or JSON log records. Input is checked first:
 * empty, binary or oversized input is refused with a TraceInputError saying which.
 */
import { dotnetParser } from "./dotnet.js";
import { goParser } from "./go.js";
import { classifyFrames } from "./in-app.js";
import { javaParser } from "./java.js";
import { toTextBlocks } from "./log-records.js";
import { nodeParser } from "./node.js";
import { pythonParser } from "./python.js";
import { TraceInputError } from "./trace-input-error.js";
import type { ParsedTrace, TraceParser } from "./types.js";

/** Largest input read, in bytes. */
export const MAX_TRACE_INPUT_BYTES = 16 * 1024 * 1024;

const PARSERS: TraceParser[] = [pythonParser, goParser, javaParser, dotnetParser, nodeParser];
const CONTROL = /[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]/g;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** A trace found in the input, with the 1-based input line it starts on. */
export interface FoundTrace {
  trace: ParsedTrace;
  line: number;
}

/** Options of `findTraces`. */
export interface FindTracesOptions {
  /** Package/module prefixes or path roots of the application (see `matchesAppPrefix`). */
  app?: readonly string[];
}

/** Decodes and checks raw input; throws TraceInputError for empty, binary or oversized input. */
export function decodeTraceInput(input: string | Uint8Array): string {
  const size = typeof input === "string" ? Buffer.byteLength(input) : input.byteLength;
  if (size > MAX_TRACE_INPUT_BYTES)
    throw new TraceInputError("too_large", `input is ${size} bytes, over the limit of ${MAX_TRACE_INPUT_BYTES} bytes`);
  const text = typeof input === "string" ? input : Buffer.from(input).toString("utf8");
  if (text.trim() === "") throw new TraceInputError("empty", "input is empty: expected a stack trace or log text");
  const sample = text.slice(0, 64 * 1024);
  const control = sample.match(CONTROL)?.length ?? 0;
  if (sample.includes("\0") || control > sample.length * 0.05) {
    throw new TraceInputError(
      "binary",
      `input looks binary (${control} control or invalid bytes in the first ${sample.length} characters), not a stack trace or log text`,
    );
  }
  return text.replace(ANSI, "").replace(/\r\n?/g, "\n");
}

/** Every trace in `input`, in the order they start, frames classified as in-app or not. */
export function findTraces(input: string | Uint8Array, options: FindTracesOptions = {}): FoundTrace[] {
  const found: FoundTrace[] = [];
  for (const block of toTextBlocks(decodeTraceInput(input))) {
    for (let i = 0; i < block.lines.length; ) {
      const result = parseAt(block.lines, i);
      if (!result) {
        i++;
        continue;
      }
      found.push({ trace: classifyFrames(result.trace, options.app), line: block.origin[i]! + 1 });
      i = Math.max(result.end, i + 1);
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/** The first parser's reading of a trace starting at `lines[i]`. */
function parseAt(lines: readonly string[], i: number) {
  for (const parser of PARSERS) {
    const result = parser.parseAt(lines, i);
    if (result && (result.trace.frames.length || result.trace.causes?.length || result.trace.threads?.length))
      return result;
  }
  return undefined;
}

/** The first trace in `input`; throws TraceInputError (`no_trace`) when there is none. */
export function findTrace(input: string | Uint8Array, options: FindTracesOptions = {}): FoundTrace {
  const [first] = findTraces(input, options);
  if (!first) {
    throw new TraceInputError(
      "no_trace",
      "no stack trace found: looked for Python, Java, Go, Node.js and .NET traces in plain text and JSON log records",
    );
  }
  return first;
}
