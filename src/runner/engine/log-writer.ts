import type { Limits } from "../../common/config/limits-schema.js";
import type { Bus } from "../../events/index.js";
import type { LiveLogLine } from "../../events/index.js";
import type { LogsRepo } from "../../store/index.js";
import { TailBuffer } from "./tail-buffer.js";

type Tail = TailBuffer<{ stream: LiveLogLine["stream"]; line: string }>;

/**
 * Writes one job attempt's (already masked) output: each line goes to the bus at once (live
 * SSE) and to the store in small batches (every `flushMs` or `batch` lines), so a crash loses at
 * most the last `flushMs` of output that was never persisted.
 *
 * Output is capped (`limits.log`). Per step:
 *
 *   storing ──(line step_lines − step_tail_lines + 1, or the run reached run_lines)──► truncating
 *   truncating: a marker line is stored at once (so a crash still shows the cut), later lines go
 *               only to a ring of the last step_tail_lines lines (neither bus nor store)
 *   endStep: truncating ──► a line saying how many lines were dropped, then the ring's lines
 *
 * System lines (step −1) are never capped: pitcrew writes only a few. Every line stored for a
 * step (markers and kept tail lines too) counts toward `run_lines`, as `countForRun` counts them
 * when an attempt is taken up again.
 */
export class LogWriter {
  private seq = 0;
  private pending: LiveLogLine[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly steps = new Map<number, { lines: number; tail?: Tail }>();
  private runLines: number;

  constructor(
    private readonly repo: LogsRepo,
    private readonly bus: Bus,
    private readonly key: { runId: number; jobId: number; attempt: number },
    private readonly opts: { flushMs?: number; batch?: number; limits?: Limits["log"]; runLinesBefore?: number } = {},
  ) {
    this.runLines = opts.runLinesBefore ?? 0;
  }

  /** The number of the last line written (stored or still pending). */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Continues numbering after lines already stored (re-opened attempt), and each step's cap
   * after the lines already stored for it (`stepLines`, by step): a step that had stored
   * its head is truncated from its next line, as it would have been by the first writer.
   */
  startAfter(seq: number, stepLines: ReadonlyMap<number, number> = new Map()): void {
    this.seq = seq;
    for (const [idx, lines] of stepLines) this.steps.set(idx, { lines });
  }

  /** Records a line of step `stepIdx`, or keeps it in the step's tail once the step is past its cap. */
  write(stepIdx: number, stream: LiveLogLine["stream"], line: string): void {
    const limits = this.opts.limits;
    if (stepIdx < 0 || !limits) {
      this.record(stepIdx, stream, line);
      return;
    }
    let step = this.steps.get(stepIdx);
    if (!step) {
      step = { lines: 0 };
      this.steps.set(stepIdx, step);
    }
    step.lines++;
    if (!step.tail) {
      const headLines = limits.step_lines - limits.step_tail_lines;
      if (step.lines <= headLines && this.runLines < limits.run_lines) {
        this.record(stepIdx, stream, line);
        return;
      }
      const why =
        this.runLines >= limits.run_lines
          ? `the run stored ${limits.run_lines} lines (limits.log.run_lines)`
          : `this step printed ${headLines} lines (limits.log.step_lines − step_tail_lines)`;
      this.record(
        stepIdx,
        "system",
        `pitcrew: output truncated: ${why}; only the step's last ${limits.step_tail_lines} lines are kept, written when it ends`,
      );
      void this.flush();
      step.tail = new TailBuffer(limits.step_tail_lines, limits.step_tail_bytes);
    }
    step.tail.push({ stream, line });
  }

  /** Ends step `stepIdx`: a truncated step's drop count and kept tail are written now. */
  endStep(stepIdx: number): void {
    const tail = this.steps.get(stepIdx)?.tail;
    this.steps.delete(stepIdx);
    if (!tail) return;
    const kept = tail.drain();
    this.record(
      stepIdx,
      "system",
      `pitcrew: ${tail.dropped} line(s) (${tail.droppedChars} characters) of this step's output were dropped; its last ${kept.length} line(s) follow`,
    );
    for (const l of kept) this.record(stepIdx, l.stream, l.line);
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

  private record(stepIdx: number, stream: LiveLogLine["stream"], line: string): void {
    if (stepIdx >= 0) this.runLines++;
    const l: LiveLogLine = { ...this.key, stepIdx, seq: ++this.seq, stream, line, at: Date.now() };
    this.pending.push(l);
    this.bus.publish({ kind: "log", log: l });
    if (this.pending.length >= (this.opts.batch ?? 200)) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.flushMs ?? 25);
  }
}
