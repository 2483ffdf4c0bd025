/**
 * Streams a log's raw lines from a file or any byte stream, in bounded memory: bytes are split on
 * `\n` (so line numbers count `\n` exactly as in the file), each line is decoded as UTF-8 and cut
 * to `maxLineBytes` (the rest of an overlong line is skipped, not buffered). The first chunk is
 * checked for binary content (NUL bytes, or more than 5 % control bytes other than backspace, tab, CR,
 * LF and ESC); an empty or blank input is refused. Both raise LogInputError naming the source.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { LogInputError } from "./log-input-error.js";

/** Longest line kept, in bytes (default). */
export const MAX_LINE_BYTES = 8_192;

/** One raw line and whether it was cut. */
export interface RawLine {
  text: string;
  truncated: boolean;
}

/** Opens `path` after checking it exists and is a regular file, then streams its lines. */
export async function* readLogFile(path: string, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<RawLine> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new LogInputError("missing", `${path}: no such file`);
    throw new LogInputError("unreadable", `${path}: cannot read (${code ?? (err as Error).message})`);
  }
  if (!info.isFile()) throw new LogInputError("not_a_file", `${path}: not a regular file`);
  if (info.size === 0) throw new LogInputError("empty", `${path}: the log is empty`);
  yield* readLogStream(createReadStream(path, { highWaterMark: 1 << 20 }), path, maxLineBytes);
}

/** Streams the lines of a byte stream; `name` is used in error messages. */
export async function* readLogStream(
  stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  name: string,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<RawLine> {
  let carry: Buffer[] = [];
  let carried = 0;
  let cut = false;
  let first = true;
  let blank = true;
  for await (const piece of stream) {
    const chunk = typeof piece === "string" ? Buffer.from(piece) : piece;
    if (first) {
      first = false;
      checkText(chunk, name);
    }
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      // A line that lies whole in this chunk is decoded in place, without copying its bytes.
      const whole = carry.length === 0 && !cut && nl - start <= maxLineBytes;
      if (!whole) take(chunk.subarray(start, nl));
      const line = whole ? { text: chunk.toString("utf8", start, nl), truncated: false } : emit();
      if (blank && line.text.trim() !== "") blank = false;
      yield line;
      start = nl + 1;
    }
    take(chunk.subarray(start));
  }
  if (carried > 0 || cut) {
    const line = emit();
    if (blank && line.text.trim() !== "") blank = false;
    yield line;
  }
  if (first) throw new LogInputError("empty", `${name}: the log is empty`);
  if (blank) throw new LogInputError("empty", `${name}: the log has only blank lines`);

  function take(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const room = maxLineBytes - carried;
    if (room <= 0) {
      cut = true;
      return;
    }
    if (bytes.length > room) cut = true;
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
    carry.push(Buffer.from(kept));
    carried += kept.length;
  }

  function emit(): RawLine {
    const text = carry.length === 1 ? carry[0]!.toString("utf8") : Buffer.concat(carry).toString("utf8");
    const line = { text, truncated: cut };
    carry = [];
    carried = 0;
    cut = false;
    return line;
  }
}

/** Refuses a first chunk that looks binary. */
function checkText(chunk: Buffer, name: string): void {
  const sample = chunk.subarray(0, 64 * 1024);
  let control = 0;
  for (const b of sample) {
    if (b === 0) throw new LogInputError("binary", `${name}: looks binary (NUL bytes), not a build log`);
    if (b < 32 && b !== 8 && b !== 9 && b !== 10 && b !== 13 && b !== 27) control++;
  }
  if (control > sample.length * 0.05)
    throw new LogInputError(
      "binary",
      `${name}: looks binary (${control} control bytes in the first ${sample.length}), not a build log`,
    );
}
