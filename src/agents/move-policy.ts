/**
 * When an agent gives up on its server replica and moves to the next one. One call that did not
 * reach the server proves little: a heartbeat timing out under load leaves a live, busy replica
 * behind, and moving its agents away only moves the load (and the jobs' event streams) around.
 * So the agent moves only on sustained evidence, reset by any answer from the server:
 *
 *   answered ──► nothing held against the server; the silence is counted from when that call was sent
 *   failed   ──► consecutive failures counted
 *   move when either
 *     - at least MIN_FAILURES of the failed calls in a row were strong evidence: nobody listens (connection
 *       refused, no route, unknown host) or a gateway in front says the replica is down (502/503/504), or
 *     - a call failed and the server has answered nothing for at least `sustainMs` (timeouts,
 *       resets: a hung replica). One failure is enough then: the silence is the evidence, and
 *       waiting for a second failed heartbeat would run past the agent lease (lease-timing.ts).
 */

/** How strongly one failed call says the server is gone. */
export type CallFailure = "down" | "unanswered";

/** Calls in a row refused (or answered "down" by a gateway) before the agent moves without waiting. */
export const MIN_FAILURES = 2;

/** Node error codes that say nobody listens at the server's address (rather than a slow answer). */
const DOWN_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/** The failure kind of a call that threw `err` before any answer (fetch wraps the socket error in `cause`). */
export function failureOf(err: unknown): CallFailure {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && DOWN_CODES.has(code)) return "down";
  }
  return "unanswered";
}

/** The move decision for the server an agent calls now (see the comment at the top of this file). */
export class MovePolicy {
  private failures = 0;
  private down = 0;
  /** When the first of the failed calls in a row was sent (epoch ms): the silence's start before any answer. */
  private failingSince = 0;
  /**
   * When the last call the server answered was sent (or the agent moved to it): a call sent before
   * it failing says nothing new, and the server's silence is counted from it.
   */
  private answeredSince = Number.NEGATIVE_INFINITY;

  constructor(
    /** How long every call must have failed before timeouts alone move the agent (ms; read at each failure). */
    private readonly sustainMs: () => number,
  ) {}

  /** The server answered a call sent at `sentAt` (any answer, even a refusal, shows it is alive). */
  answered(sentAt: number): void {
    this.failures = 0;
    this.down = 0;
    this.answeredSince = Math.max(this.answeredSince, sentAt);
  }

  /** A call sent at `sentAt` failed with `kind` at `now`; answers whether to move to the next server. */
  failed(kind: CallFailure, sentAt: number, now: number): boolean {
    if (sentAt < this.answeredSince) return false;
    if (this.failures === 0 || sentAt < this.failingSince) this.failingSince = sentAt;
    this.failures++;
    if (kind === "down") this.down++;
    if (this.down >= MIN_FAILURES) return true;
    const silentSince = Number.isFinite(this.answeredSince) ? this.answeredSince : this.failingSince;
    return now - silentSince >= this.sustainMs();
  }

  /** Calls now go to another server (from `now`): nothing is held against it yet. */
  moved(now: number): void {
    this.failures = 0;
    this.down = 0;
    this.answeredSince = now;
  }
}
