/**
 * Turns a byte stream into text lines: splits on `\n`, drops a trailing `\r`, decodes UTF-8
 * across chunk boundaries (invalid bytes become U+FFFD instead of failing), and never buffers
 * more than `maxLineChars` of one line: a longer line is delivered in pieces of that size.
 */
import { StringDecoder } from "node:string_decoder";

/** Longest piece of a single line buffered before it is delivered anyway (64 Ki characters). */
export const MAX_LINE_CHARS = 64 * 1024;

/** Accepts chunks of one stream; `end` flushes a partial last line. */
export interface LineSplitter {
  write(chunk: Buffer): void;
  end(): void;
}

/** Creates a splitter that calls `onLine` once per line, in stream order. */
export function createLineSplitter(onLine: (line: string) => void, maxLineChars = MAX_LINE_CHARS): LineSplitter {
  const decoder = new StringDecoder("utf8");
  let pending = "";

  const emit = (line: string) => onLine(line.endsWith("\r") ? line.slice(0, -1) : line);

  const push = (text: string) => {
    let buf = pending + text;
    let start = 0;
    for (let nl = buf.indexOf("\n", start); nl !== -1; nl = buf.indexOf("\n", start)) {
      emitBounded(buf.slice(start, nl));
      start = nl + 1;
    }
    buf = buf.slice(start);
    while (buf.length > maxLineChars) {
      const cut = safeCut(buf, maxLineChars);
      onLine(buf.slice(0, cut));
      buf = buf.slice(cut);
    }
    pending = buf;
  };

  // A line that arrived complete in one chunk may still exceed the limit: split it too.
  const emitBounded = (line: string) => {
    let rest = line;
    while (rest.length > maxLineChars) {
      const cut = safeCut(rest, maxLineChars);
      onLine(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    emit(rest);
  };

  return {
    write: (chunk) => push(decoder.write(chunk)),
    end: () => {
      push(decoder.end());
      if (pending.length > 0) emit(pending);
      pending = "";
    },
  };
}

/** A cut position at or below `at` that does not split a UTF-16 surrogate pair. */
function safeCut(s: string, at: number): number {
  const code = s.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}
