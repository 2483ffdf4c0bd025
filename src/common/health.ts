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
