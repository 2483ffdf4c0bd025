import { statSync } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import type { LogRecord } from "../../store/index.js";
import { fromJsonObject } from "./json-logs.js";
import { capMessage, MAX_MESSAGE_BYTES, normalizeLevel } from "./log-fields.js";

/** Options of `tailFile`. */
export interface TailOptions {
  /** Read what the file already holds (`start`) or only what is appended from now on (`end`, default). */
  from?: "start" | "end";
  /** How often the file is checked for appends and rotation, in ms (default 200). */
  pollMs?: number;
}

/** A running tail. */
export interface FileTail {
  /** Stops following; emits a last line left without its newline. */
  stop(): Promise<void>;
  /** Resolves after one more check of the file (for tests and shutdown). */
  poll(): Promise<void>;
}

const LEVEL_WORD = /\b(FATAL|PANIC|CRITICAL|ERROR|ERR|WARN(?:ING)?|INFO|DEBUG|TRACE)\b/i;

/** One line of a file as a record: a JSON object log line, or plain text with a guessed level. */
export function parseLogLine(line: string, service: string, now: number): LogRecord {
  if (line.startsWith("{")) {
    try {
      return fromJsonObject(JSON.parse(line), { service, now, source: "file" });
    } catch {
      // Not a JSON log record after all: keep it as text.
    }
  }
  const word = LEVEL_WORD.exec(line.slice(0, 200))?.[1];
  return {
    at: now,
    service,
    level: word ? normalizeLevel(word) : "info",
    message: capMessage(line),
    traceId: null,
    spanId: null,
    attributes: {},
    source: "file",
  };
}

/**
 * Follows a log file of a supervised process, calling `onRecord` for each complete line. Polls
 * the file: appends are read from the last offset; a new inode at the path (rotation by rename)
 * makes it drain the old file and continue with the new one from its start; a file shorter than
 * the offset (copytruncate) is re-read from its start; a missing file is waited for. A line longer
 * than 64 KiB is cut there (marked) and the rest of it skipped.
 */
export function tailFile(
  path: string,
  service: string,
  onRecord: (record: LogRecord) => void,
  opts: TailOptions = {},
): FileTail {
  let fh: FileHandle | undefined;
  let ino = -1;
  let offset = 0;
  // "end" means the end when tailFile is called (not when the file is first opened, a moment later).
  const atStart = opts.from === "start" ? undefined : statSync(path, { throwIfNoEntry: false });
  let firstOpen = true;
  let partial = "";
  let skipping = false;
  let decoder = new StringDecoder("utf8");
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const emit = (line: string) => {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.trim() !== "") onRecord(parseLogLine(text, service, Date.now()));
  };
  const feed = (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      if (skipping) skipping = false;
      else emit(line);
    }
    if (!skipping && partial.length > MAX_MESSAGE_BYTES) {
      emit(partial);
      partial = "";
      skipping = true;
    } else if (skipping) partial = "";
  };
  const drain = async () => {
    if (!fh) return;
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) return;
      offset += bytesRead;
      feed(decoder.write(buf.subarray(0, bytesRead)));
    }
  };
  const reopen = async () => {
    const next = await open(path, "r").catch(() => undefined);
    if (!next) return; // not there yet: when it appears, it is read from its start
    const st = await next.stat();
    await fh?.close();
    fh = next;
    ino = st.ino;
    offset = firstOpen && atStart?.ino === st.ino ? Math.min(atStart.size, st.size) : 0;
    firstOpen = false;
    decoder = new StringDecoder("utf8");
  };
  const check = async () => {
    if (!fh) await reopen();
    await drain();
    const st = await stat(path).catch(() => undefined);
    if (!st) return;
    if (st.ino !== ino) {
      if (partial) emit(partial);
      partial = "";
      skipping = false;
      await reopen();
      await drain();
    } else if (st.size < offset) {
      offset = 0;
      partial = "";
      skipping = false;
      await drain();
    }
  };
  const poll = () => {
    running = running.then(check).catch(() => undefined);
    return running;
  };
  const loop = async () => {
    await poll();
    if (!stopped) timer = setTimeout(loop, opts.pollMs ?? 200);
  };
  void loop();

  return {
    poll,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      if (partial && !skipping) emit(partial);
      partial = "";
      await fh?.close();
      fh = undefined;
    },
  };
}
