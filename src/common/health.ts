/**
 * Reachability of an outside service pitcrew depends on (the queue's Redis, the object store),
 * as `/healthz` reports it, and the bound put on a call to one while it may be away.
 */
import { UnavailableError } from "./errors.js";

/** Whether a dependency answers, and what is wrong when it does not. */
export interface DependencyHealth {
  ok: boolean;
  /** What is wrong, naming the service (set when `ok` is false). */
  error?: string;
}

/**
 * Resolves what `op` resolves, or rejects with an {@link UnavailableError} naming `what` when it
 * takes longer than `ms` (a frozen or vanished service must not hang its caller).
 */
export function withDeadline<T>(op: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnavailableError(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([op, late]).finally(() => clearTimeout(timer));
}

/** How long a dependency's health answer is reused before it is probed again. */
export const HEALTH_CACHE_MS = 5000;

/**
 * Shares `probe` among its callers: one probe at a time (callers meanwhile await the same one),
 * its answer reused for `ttlMs` after it settles, so a flood of `/healthz` calls costs the
 * dependency one probe per `ttlMs` at most, however slow it is to answer.
 */
export function sharedProbe(
  probe: () => Promise<DependencyHealth>,
  ttlMs = HEALTH_CACHE_MS,
): () => Promise<DependencyHealth> {
  let last: { at: number; answer: Promise<DependencyHealth> } | undefined;
  return () => {
    const now = Date.now();
    if (last && now - last.at < ttlMs) return last.answer;
    const answer = probe().catch((err): DependencyHealth => ({ ok: false, error: String(err) }));
    const entry = { at: Number.POSITIVE_INFINITY, answer };
    last = entry;
    // the ttl runs from the answer, so a probe in flight is shared however long it takes
    void answer.then(() => {
      entry.at = Date.now();
    });
    return answer;
  };
}
