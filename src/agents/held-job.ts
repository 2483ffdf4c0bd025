import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ConflictError, TooLargeError, ValidationError } from "../common/errors.js";
import { type BegunAttempt, resolveInside, type StepSink } from "../runner/index.js";
import type { JobEvent, TestsAdvice } from "./protocol.js";

/** Largest file an agent uploads (bytes), like the largest artifact a server worker stores. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Most bytes an agent uploads for one job attempt. */
const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * A job attempt an agent holds, on the server: applies the agent's event batches in order
 * through the runner's step sink, and receives its output files into `uploadDir` (collected as
 * artifacts and reports when the job finishes, as from a server worker's workspace).
 */
export class HeldJob {
  /** The number of the next event batch expected. */
  private nextSeq = 1;
  private uploaded = 0;
  /** The advice given to each `tests:` step (held-tests.ts), by step index. */
  readonly advice = new Map<number, Promise<TestsAdvice>>();
  /** Set when the job was cancelled; the agent hears it in its next answer. */
  cancelled = false;
  /** Resolves when the attempt has ended (finished, released or lost). */
  readonly ended: Promise<void>;
  private resolveEnded = () => {};

  constructor(
    readonly lease: number,
    readonly agentId: number,
    readonly begun: BegunAttempt,
    private readonly sink: StepSink,
    readonly uploadDir: string,
    /** The job's project (by name), for fair share between projects. */
    readonly project: string,
    /** When the agent was given the job (epoch ms). */
    readonly startedAt: number,
  ) {
    this.ended = new Promise((r) => {
      this.resolveEnded = r;
    });
  }

  /** Applies batch `seq` (a repeated batch is ignored; a gap is a ConflictError). */
  async apply(seq: number, events: JobEvent[]): Promise<void> {
    if (seq < this.nextSeq) return;
    if (seq > this.nextSeq)
      throw new ConflictError(`event batch ${seq} arrived before batch ${this.nextSeq} of lease ${this.lease}`);
    const steps = this.begun.job.spec.steps.length;
    for (const e of events) {
      if (e.step >= steps || (e.step < 0 && e.t !== "line"))
        throw new ValidationError(`event '${e.t}' names step ${e.step}; the job has steps 0–${steps - 1}`);
    }
    this.nextSeq++;
    for (const e of events) {
      if (e.t === "started") await this.sink.stepStarted(e.step, e.name);
      else if (e.t === "skipped") await this.sink.stepSkipped(e.step, e.reason);
      else if (e.t === "finished") await this.sink.stepFinished(e.step, e.status, e.exitCode, e.reason);
      else if (e.t === "line") this.sink.line(e.step, e.stream, e.line);
      else this.sink.endStep(e.step);
    }
  }

  /** Throws unless every batch up to `lastSeq` was applied. */
  checkComplete(lastSeq: number): void {
    if (lastSeq !== this.nextSeq - 1)
      throw new ConflictError(`finish names batch ${lastSeq}, but batch ${this.nextSeq - 1} is the last applied`);
  }

  /** Stores an uploaded output file at workspace-relative `path` (bounded per file and per job). */
  async receive(path: string, body: Readable): Promise<number> {
    const dest = resolveInside(this.uploadDir, path);
    await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
    let size = 0;
    // bytes count against the job's budget as they arrive, so parallel uploads cannot overrun it
    const count = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        size += chunk.length;
        this.uploaded += chunk.length;
        if (size > MAX_FILE_BYTES) return done(new TooLargeError(`file ${path}`, size, MAX_FILE_BYTES));
        if (this.uploaded > MAX_UPLOAD_BYTES)
          return done(new TooLargeError("this job's uploads", this.uploaded, MAX_UPLOAD_BYTES));
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, count, createWriteStream(dest, { flags: "wx", mode: 0o600 }));
    } catch (err) {
      this.uploaded -= size;
      // a repeated upload (its first answer lost) must not delete the complete file stored first
      if ((err as NodeJS.ErrnoException).code === "EEXIST")
        throw new ConflictError(`file ${path} was already uploaded`);
      await rm(dest, { force: true });
      throw err;
    }
    return size;
  }

  /** Marks the attempt ended (whoever ended it). */
  end(): void {
    this.resolveEnded();
  }
}
