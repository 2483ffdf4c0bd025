import { type Clock, sleep } from "../common/clock.js";
import { isRefusal, MalformedAnswerError } from "./agent-client.js";

/**
 * The wait before retry `n` (from 0): `base` × 2^n, at most `cap`, a random half of it shaved off
 * so agents that lost one replica together do not all call the next at the same moment.
 */
export function backoff(n: number, base: number, cap: number): number {
  const full = Math.min(cap, base * 2 ** Math.min(n, 30));
  return full / 2 + Math.random() * (full / 2);
}

/** Bounds on retrying one call beyond the agent lease: its own budget (ms) and a signal ending it. */
export interface PersistLimits {
  budgetMs?: number;
  signal?: AbortSignal;
}

/** What a call's retries need to know of the agent: its clock, its last contact and its lease. */
export interface LeaseView {
  clock: Clock;
  /** When the last heartbeat the server answered was sent (epoch ms). */
  lastContact: () => number;
  leaseMs: () => number;
}

/**
 * Retries a call about a job while the server is unreachable, until the agent lease is over or,
 * with `limits`, the call's own budget (ms) is spent or its signal fires. A refusal or a
 * malformed answer is final.
 */
export async function persistCall<T>(view: LeaseView, what: () => Promise<T>, limits: PersistLimits = {}): Promise<T> {
  const { clock } = view;
  const began = clock.now();
  for (let n = 0; ; n++) {
    try {
      return await what();
    } catch (err) {
      if (isRefusal(err) || err instanceof MalformedAnswerError || limits.signal?.aborted) throw err;
      if (clock.now() - view.lastContact() > view.leaseMs()) throw err;
      if (limits.budgetMs !== undefined && clock.now() - began > limits.budgetMs) throw err;
      await sleep(backoff(n, 100, 2000));
    }
  }
}
