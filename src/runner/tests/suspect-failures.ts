import { MAX_TEST_ID_CHARS } from "../../testintel/index.js";

/** A failure outside the change (DeFlaker): the test, its file and why the file is outside. */
export interface SuspectFailure {
  id: string;
  file: string;
  why: string;
}

/** Most suspect failures one job reports (the rest are only said in the log). */
export const MAX_SUSPECT_FAILURES = 200;
/** Most characters of ids, files and reasons over one job's suspect failures (the `tests.outside_change` event). */
export const MAX_SUSPECT_CHARS = 256 * 1024;
/** Longest reason kept for one suspect failure (pitcrew's own text, naming a commit and counts). */
const MAX_WHY_CHARS = 1024;

/**
 * Adds a suspect failure to `list` unless it is full ({@link MAX_SUSPECT_FAILURES} entries or
 * {@link MAX_SUSPECT_CHARS} characters): the id and file clipped to the test id limit (a report's
 * names are the job's to choose), the reason to {@link MAX_WHY_CHARS}. Returns whether it was added.
 */
export function addSuspect(list: SuspectFailure[], f: SuspectFailure): boolean {
  if (list.length >= MAX_SUSPECT_FAILURES) return false;
  const kept = {
    id: f.id.slice(0, MAX_TEST_ID_CHARS),
    file: f.file.slice(0, MAX_TEST_ID_CHARS),
    why: f.why.slice(0, MAX_WHY_CHARS),
  };
  let chars = 0;
  for (const s of list) chars += s.id.length + s.file.length + s.why.length;
  if (chars + kept.id.length + kept.file.length + kept.why.length > MAX_SUSPECT_CHARS) return false;
  list.push(kept);
  return true;
}
