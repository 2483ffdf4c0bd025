import { type JobEvent, MAX_BATCH_EVENTS, MAX_LINE_CHARS } from "./protocol.js";

/** Events an agent keeps unsent per job before it drops output lines (step events are always kept). */
const MAX_BUFFERED = 20_000;
/** How long output waits to join a batch (ms). */
const FLUSH_MS = 50;

/**
 * Sends one job's events to the server in order: batches numbered 1, 2, 3, …, one in flight at
 * a time, a failed batch retried with the same number until `send` stops throwing or says stop.
 * Buffering is bounded: past MAX_BUFFERED unsent events, output lines are dropped and counted
 * (a system line says how many), so a step that floods its output cannot exhaust the agent.
 */
export class EventSender {
  private queue: JobEvent[] = [];
  private seq = 0;
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    /** Sends batch `seq`; resolves when the server has applied it (retried while it throws a transient error). */
    private readonly send: (seq: number, events: JobEvent[]) => Promise<void>,
  ) {}

  /** Queues an event (a line is cut to MAX_LINE_CHARS). */
  push(e: JobEvent): void {
    if (e.t === "line") {
      if (this.queue.length >= MAX_BUFFERED) {
        this.dropped++;
        return;
      }
      if (e.line.length > MAX_LINE_CHARS) e = { ...e, line: `${e.line.slice(0, MAX_LINE_CHARS - 1)}…` };
    }
    if (this.dropped > 0 && this.queue.length < MAX_BUFFERED / 2) {
      this.queue.push({
        t: "line",
        step: -1,
        stream: "system",
        line: `pitcrew agent: ${this.dropped} output line(s) dropped: the server did not keep up`,
      });
      this.dropped = 0;
    }
    this.queue.push(e);
    if (this.queue.length >= MAX_BATCH_EVENTS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Sends everything queued; resolves with the number of the last batch sent (throws if sending failed for good). */
  async flush(): Promise<number> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sending = this.sending.then(async () => {
      while (this.queue.length > 0 && this.failure === undefined) {
        const batch = this.queue.slice(0, MAX_BATCH_EVENTS);
        try {
          await this.send(this.seq + 1, batch);
        } catch (err) {
          this.failure = err;
          break;
        }
        this.seq++;
        this.queue = this.queue.slice(batch.length);
      }
    });
    await this.sending;
    if (this.failure !== undefined) throw this.failure;
    return this.seq;
  }
}
