/**
 * Batches replica output into log records: continuation lines (indented frames, `Caused by:`,
 * the final line of a Python traceback) join the record before them, so a stack trace printed
 * as plain text stays one record, and records are ingested in batches every `flushMs`.
 */
import type { Logger } from "../../common/logger.js";
import type { LogRecord } from "../../store/index.js";

const CONTINUATION = /^(\s+\S|Caused by:|\.\.\. \d+ more)/;

/** Collects records per stream and hands them to `ingest` in batches. */
export class ReplicaLogBuffer {
  readonly #open = new Map<string, LogRecord>();
  #ready: LogRecord[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ingest: (records: LogRecord[]) => Promise<unknown>,
    private readonly log: Logger,
    private readonly flushMs = 200,
  ) {}

  /** Adds one line's record from stream `key` (e.g. `release/replica/stream`). */
  push(key: string, record: LogRecord): void {
    const open = this.#open.get(key);
    const pythonTail =
      open?.message.startsWith("Traceback") && /^\w[\w.]*(Error|Exception|Exit)\b/.test(record.message);
    if (open && (CONTINUATION.test(record.message) || pythonTail)) {
      open.message += `\n${record.message}`;
      if (record.level === "error" || pythonTail) open.level = "error";
    } else {
      if (open) this.#ready.push(open);
      this.#open.set(key, { ...record });
    }
    this.#timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Ingests everything collected so far. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = [...this.#ready, ...this.#open.values()];
    this.#ready = [];
    this.#open.clear();
    if (batch.length === 0) return;
    await this.ingest(batch).catch((err) => this.log.warn({ err }, "storing replica output failed"));
  }
}
