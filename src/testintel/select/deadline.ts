/**
 * The deadline of one selection (`SelectionRequest.deadline`, epoch ms of `Date.now()`): every git
 * call the selector makes gets the time left as its timeout (git's runner kills it then), and the
 * work between the calls stops once the time is up, so a selection holding a checkout ends when
 * its caller stops waiting.
 */

/** A selection's deadline passed: its work was stopped. No other selector is asked in its place. */
export class SelectionDeadlineError extends Error {
  override name = "SelectionDeadlineError";
  constructor() {
    super("the test selection's deadline passed");
  }
}

/** Throws a {@link SelectionDeadlineError} when `deadline` passed (no deadline: never). */
export function checkDeadline(deadline: number | undefined): void {
  if (deadline !== undefined && Date.now() >= deadline) throw new SelectionDeadlineError();
}

/** The options of a git call that must end by `deadline`: the time left (none without a deadline); throws when it passed. */
export function gitTimeLeft(deadline: number | undefined): { timeoutMs?: number } {
  checkDeadline(deadline);
  return deadline === undefined ? {} : { timeoutMs: deadline - Date.now() };
}
