import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ConflictError, TooLargeError, ValidationError } from "../common/errors.js";
import {
  type BegunAttempt,
  resolveInside,
  resumeAttempt,
  type RunnerDeps,
  type StepSink,
  storeStepSink,
} from "../runner/index.js";
import type { Logger } from "../common/logger.js";
import type { AgentLease, AgentsRepo, LogsRepo } from "../store/index.js";
import type { JobEvent, TestsAdvice } from "./protocol.js";

/** Largest file an agent uploads (bytes), like the largest artifact a server worker stores. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Most bytes an agent uploads for one job attempt. */
const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * A job attempt an agent holds, as one server replica serves it: applies the agent's event
 * batches in order through the runner's step sink, and receives its output files into
 * `uploadDir` (collected as artifacts and reports when the job finishes, as from a server
 * worker's workspace). Which batch comes next is kept with the lease in the store, not here, so
 * the replica the agent moves to (adopt-lease.ts) goes on where this one stopped, and a batch is
 * heard only while the lease is open there: a replica never applies a batch of a stale lease.
 *
 * An agent that comes back to a replica it left finds its job still held there, as it was when it
 * left: `catchUp` sees from the store that another replica served the lease since (batches
 * applied or log lines written past this copy's) and takes the attempt up again from the store,
 * so the log goes on after the other replica's lines instead of reusing old line numbers (and when
 * the attempt no longer runs, its writer here still numbers on from the stored lines).
 */
export class HeldJob {
  private uploaded = 0;
  /** The batches applied before, one at a time (see `apply`). */
  private applying: Promise<void> = Promise.resolve();
  /** The last batch this replica applied (a floor under the lease's stored `lastSeq`). */
  private appliedSeq = 0;
  /** The advice given to each `tests:` step (held-tests.ts), by step index. */
  readonly advice = new Map<number, Promise<TestsAdvice>>();
  /** Set when the job was cancelled; the agent hears it in its next answer. */
  cancelled = false;
  /** Set once the finished job's outputs were collected (a retried finish does not store them twice). */
  outputsCollected = false;
  /** Resolves when the attempt has ended (finished, released or lost). */
  readonly ended: Promise<void>;
  private resolveEnded = () => {};

  constructor(
    readonly lease: number,
    readonly agentId: number,
    /** The attempt as this replica serves it (taken up again by `catchUp`). */
    public begun: BegunAttempt,
    private sink: StepSink,
    readonly uploadDir: string,
    /** The job's project (by name), for fair share between projects. */
    readonly project: string,
    /** When the agent was given the job (epoch ms). */
    readonly startedAt: number,
    private readonly leases: Pick<AgentsRepo, "lease" | "advanceSeq">,
    private readonly logLines: Pick<LogsRepo, "lastSeq" | "outputLinesByStep">,
    /** The attempt taken up from the store again, with its sink; undefined when it no longer runs. */
    private readonly reopen: () => Promise<{ begun: BegunAttempt; sink: StepSink } | undefined>,
    private readonly log: Logger,
  ) {
    this.ended = new Promise((r) => {
      this.resolveEnded = r;
    });
  }

  /**
   * Applies batch `seq` (a repeated batch is ignored; a gap is a ConflictError): its lines are
   * stored before the batch is recorded as applied, so a replica dying in between loses nothing
   * (the agent sends the batch again, to this replica or the next). Batches are applied one at a
   * time here, so two copies of one batch arriving together (an agent that retried a slow answer)
   * are applied once: the second sees the first's seq.
   */
  apply(seq: number, events: JobEvent[]): Promise<void> {
    const applied = this.applying.then(() => this.applyNow(seq, events));
    this.applying = applied.catch(() => {});
    return applied;
  }

  private async applyNow(seq: number, events: JobEvent[]): Promise<void> {
    const next = Math.max((await this.openLease()).lastSeq, this.appliedSeq) + 1;
    if (seq < next) return;
    if (seq > next) throw new ConflictError(`event batch ${seq} arrived before batch ${next} of lease ${this.lease}`);
    const steps = this.begun.job.spec.steps.length;
    for (const e of events) {
      if (e.step >= steps || (e.step < 0 && e.t !== "line"))
        throw new ValidationError(`event '${e.t}' names step ${e.step}; the job has steps 0–${steps - 1}`);
    }
    for (const e of events) {
      if (e.t === "started") await this.sink.stepStarted(e.step, e.name);
      else if (e.t === "skipped") await this.sink.stepSkipped(e.step, e.reason);
      else if (e.t === "finished") await this.sink.stepFinished(e.step, e.status, e.exitCode, e.reason);
      else if (e.t === "line") this.sink.line(e.step, e.stream, e.line);
      else this.sink.endStep(e.step);
    }
    await this.begun.logs.flush();
    // false only when the batch reached two replicas at once (an agent that gave up on a hung one)
    if (!(await this.leases.advanceSeq(this.lease, seq)))
      this.log.warn({ lease: this.lease, seq }, "agent event batch was applied by another replica too");
    this.appliedSeq = seq;
  }

  /**
   * Takes the attempt up again from the store when another replica served this lease since this
   * copy last did (see the class comment); run between batches, never during one. ConflictError
   * once the lease has ended or its attempt no longer runs.
   */
  catchUp(): Promise<void> {
    const done = this.applying.then(() => this.catchUpNow());
    this.applying = done.catch(() => {});
    return done;
  }

  private async catchUpNow(): Promise<void> {
    const lease = await this.openLease();
    const { job, logs } = this.begun;
    const storedLine = await this.logLines.lastSeq(job.id, job.attempt);
    if (lease.lastSeq <= this.appliedSeq && storedLine <= logs.lastSeq) return;
    await logs.flush();
    const fresh = await this.reopen();
    if (!fresh) {
      // the agent still sends its last batches (the lease is open): they go on after the stored lines
      logs.startAfter(storedLine, await this.logLines.outputLinesByStep(job.id, job.attempt));
      this.appliedSeq = lease.lastSeq;
      throw new ConflictError(`job lease ${this.lease}: attempt ${job.attempt} of job ${job.id} no longer runs`);
    }
    this.begun = fresh.begun;
    this.sink = fresh.sink;
    this.appliedSeq = lease.lastSeq;
    this.begun.logs.write(-1, "system", "the agent is back on this server replica: the job goes on here");
    this.log.info({ lease: this.lease, seq: lease.lastSeq }, "agent job taken up again from the store");
  }

  /** Throws unless every batch up to `lastSeq` was applied (by any replica). */
  async checkComplete(lastSeq: number): Promise<void> {
    const applied = (await this.openLease()).lastSeq;
    if (lastSeq !== applied)
      throw new ConflictError(`finish names batch ${lastSeq}, but batch ${applied} is the last applied`);
  }

  /** The lease as stored, while it is open; ConflictError once it has ended (the agent is fenced off). */
  private async openLease(): Promise<AgentLease> {
    const l = await this.leases.lease(this.lease);
    if (!l || l.endedAt !== null)
      throw new ConflictError(`job lease ${this.lease} has ended (${l?.endReason ?? "unknown"})`);
    return l;
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

/**
 * `begun`'s attempt held on this replica under lease `leaseId` of agent `agentId` (given at
 * `leasedAt`): its upload folder made, its events applied through the store's step sink. Used when
 * a job is handed out (hand-job.ts) and when a lease handed out elsewhere is taken over (adopt-lease.ts).
 */
export async function holdAttempt(
  r: RunnerDeps,
  agentId: number,
  begun: BegunAttempt,
  projectName: string,
  leaseId: number,
  leasedAt: number,
): Promise<HeldJob> {
  const uploadDir = join(r.dataDir, "agent-uploads", String(leaseId));
  await mkdir(uploadDir, { recursive: true, mode: 0o700 });
  const reopen = async () => {
    const again = await resumeAttempt(r, begun.job.id, begun.job.attempt);
    return again && { begun: again, sink: storeStepSink(r, again) };
  };
  return new HeldJob(
    leaseId,
    agentId,
    begun,
    storeStepSink(r, begun),
    uploadDir,
    projectName,
    leasedAt,
    r.store.agents,
    r.store.logs,
    reopen,
    r.log,
  );
}
