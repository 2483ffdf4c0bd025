/**
 * The one bound on temporary checkouts of a commit made for test selection (the public selection
 * API) and for test advice (agent jobs' `tests:` steps): each copies the repository, so at most
 * {@link MAX_CONCURRENT_CHECKOUTS} exist at once in this process. A caller either takes a slot now
 * or gives up (`tryCheckoutSlot`), or waits a bounded time in line (`waitCheckoutSlot`; the line
 * itself is bounded too).
 */

/** Most temporary checkouts made at once in this process. */
export const MAX_CONCURRENT_CHECKOUTS = 2;

/** Most callers waiting for a slot at once; one more is told no at once. */
export const MAX_CHECKOUT_WAITERS = 64;

/** Gives a taken slot back (calling it again does nothing). */
export type ReleaseCheckoutSlot = () => void;

let inUse = 0;
const waiters: ((release: ReleaseCheckoutSlot) => void)[] = [];

function taken(): ReleaseCheckoutSlot {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const next = waiters.shift();
    // the slot passes straight to the first in line: no caller can overtake it
    if (next) next(taken());
    else inUse--;
  };
}

/** A slot taken now, or undefined when all are in use. */
export function tryCheckoutSlot(): ReleaseCheckoutSlot | undefined {
  if (inUse >= MAX_CONCURRENT_CHECKOUTS) return undefined;
  inUse++;
  return taken();
}

/** A slot, waiting at most `waitMs` for one to be given back; undefined when none was in time. */
export function waitCheckoutSlot(waitMs: number): Promise<ReleaseCheckoutSlot | undefined> {
  const now = tryCheckoutSlot();
  if (now) return Promise.resolve(now);
  if (waitMs <= 0 || waiters.length >= MAX_CHECKOUT_WAITERS) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const waiter = (release: ReleaseCheckoutSlot) => {
      clearTimeout(timer);
      resolve(release);
    };
    const timer = setTimeout(() => {
      waiters.splice(waiters.indexOf(waiter), 1);
      resolve(undefined);
    }, waitMs);
    waiters.push(waiter);
  });
}
