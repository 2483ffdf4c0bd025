/**
 * The shape every stack-trace parser produces. Frames are ordered **innermost first**: `frames[0]`
 * is where the exception was raised, the last frame is the entry point. Python and Go print the
 * other way round in places; their parsers reverse so every language reads the same.
 */

/** Languages whose traces pitcrew reads. */
export type Language = "python" | "java" | "go" | "node" | "dotnet";

/** One stack frame, as far as the trace tells it. */
export interface Frame {
  /** Source path as printed (Java: derived from the class, e.g. `org/acme/Foo.java`). */
  file: string;
  line?: number;
  column?: number;
  /** Function or method name (`replaceEach`, `(*Cart).Add`, `UserService.find`). */
  function?: string;
  /** Class (Java/.NET), package (Go), module (Python) or npm package (Node) when known. */
  module?: string;
  /** True for the application's own code, false for runtime, libraries and test frameworks. */
  inApp: boolean;
  /** The line this frame was read from. */
  raw: string;
}

/** How a cause relates to the exception that follows it in the printed chain. */
export type CauseRelation = "cause" | "context" | "inner";

/** One exception with its frames and, when chained, what caused it. */
export interface ParsedTrace {
  language: Language;
  exception: { type: string; message: string };
  /** Innermost first. */
  frames: Frame[];
  /**
   * The chain below this exception, nearest first: `causes[0]` caused this one, the last entry is
   * the root cause. Java `Caused by:`, Python `__cause__`/`__context__`, .NET inner exceptions,
   * Node `[cause]`. Entries never have `causes` of their own.
   */
  causes?: ParsedTrace[];
  /** How `causes[i]` relates to the exception above it. */
  relation?: CauseRelation;
  /** Java `Suppressed:` exceptions. */
  suppressed?: ParsedTrace[];
  /** Go: every other goroutine of a dump, each with its header (`goroutine 7 [chan receive]`). */
  threads?: { name: string; frames: Frame[] }[];
  /** Problems met while reading (truncation, foreign lines skipped inside the trace). */
  warnings?: string[];
}

/** A parser's answer for a trace starting at some line: the trace and the first line after it. */
export interface ParseResult {
  trace: ParsedTrace;
  end: number;
}

/** One language's reader: tries to read a trace that starts at `lines[start]`. */
export interface TraceParser {
  language: Language;
  /** Returns undefined when no trace of this language starts at `start`. */
  parseAt(lines: readonly string[], start: number): ParseResult | undefined;
}
