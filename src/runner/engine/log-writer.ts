import type { Bus } from "../../events/bus.js";
import type { LiveLogLine } from "../../events/domain-event.js";
import type { LogsRepo } from "../../store/repositories/logs-repo.js";

/**
 * Writes one job attempt's (already masked) output: each line goes to the bus at once (live
 * SSE) and to the store in small batches (every `flushMs` or `batch` lines), so a crash loses at
 * most the last `flushMs` of output that was never persisted.
 */
export class LogWriter {
  private seq = 0;
  private pending: LiveLogLine[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repo: LogsRepo,
    private readonly bus: Bus,
    private readonly key: { runId: number; jobId: number; attempt: number },
    private readonly opts: { flushMs?: number; batch?: number } = {},
  ) {}

  /** Continues numbering after lines already stored (re-opened attempt). */
  startAfter(seq: number): void {
    this.seq = seq;
  }

  /** Records a line of step `stepIdx`. */
  write(stepIdx: number, stream: LiveLogLine["stream"], line: string): void {
    const l: LiveLogLine = { ...this.key, stepIdx, seq: ++this.seq, stream, line, at: Date.now() };
    this.pending.push(l);
    this.bus.publish({ kind: "log", log: l });
    if (this.pending.length >= (this.opts.batch ?? 200)) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.flushMs ?? 25);
  }

  /** Persists everything written so far; resolves when stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(() => (batch.length ? this.repo.append(batch) : undefined));
    return this.flushing;
  }
}
