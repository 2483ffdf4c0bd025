/**
 * The errors an incident is about: those of the error signatures still logged when it opened.
 * The diagnosis looks back minutes before the incident; an earlier failure that had already
 * stopped by then (a bad canary rolled back, a fixed crash) is another story, and must neither
 * lead the diagnosis — date the onset, pick the release to blame, give the fixers their trace —
 * nor crowd out the shape that carries the current errors.
 */
import type { StoredLogRecord } from "../../store/index.js";
import { errorSignature } from "./error-signature.js";

/** A signature with no record in this long before the incident opened (or since) had ended. */
export const ENDED_MS = 60_000;

/**
 * `errors` less those of signatures (per service) whose last record is older than ENDED_MS before
 * `openedAt`; all of them when every signature had ended (nothing better is known).
 */
export function ongoingErrors(errors: StoredLogRecord[], openedAt: number): StoredLogRecord[] {
  const keyOf = (r: StoredLogRecord) => `${r.service}\0${errorSignature(r).key}`;
  const last = new Map<string, number>();
  for (const r of errors) {
    const k = keyOf(r);
    last.set(k, Math.max(last.get(k) ?? Number.NEGATIVE_INFINITY, r.at));
  }
  const ongoing = errors.filter((r) => (last.get(keyOf(r)) as number) >= openedAt - ENDED_MS);
  return ongoing.length ? ongoing : errors;
}
