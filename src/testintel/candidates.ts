import { ValidationError } from "../common/errors.js";
import type { HistoryModel } from "./history-model.js";
import { hasClassAndName, testIdProblem } from "./test-id.js";

/** Largest candidates file read, in bytes. */
export const MAX_CANDIDATES_BYTES = 64 * 1024 * 1024;

/** Candidate test ids read from a file, with lines that repeated an id. */
export interface Candidates {
  ids: string[];
  /** 1-based line numbers of ids already listed above (dropped). */
  duplicateLines: number[];
}

/**
 * Parses a candidates file: one test id per line (`classname.name`), surrounding blanks trimmed,
 * blank lines ignored. A test the history never saw is fine (a new test). An error naming the file
 * and line: no id at all, a line with control characters or too long, or an id that is neither in
 * the history nor of the `classname.name` shape (an unknown id, e.g. a wrong file passed).
 */
export function parseCandidates(text: string, file: string, model: HistoryModel): Candidates {
  if (Buffer.byteLength(text) > MAX_CANDIDATES_BYTES) {
    throw new ValidationError(`candidates file '${file}' is over the limit of ${MAX_CANDIDATES_BYTES} bytes`);
  }
  const ids: string[] = [];
  const duplicateLines: number[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const id = lines[i]!.trim();
    if (id === "") continue;
    const problem = testIdProblem(id);
    if (problem !== undefined)
      throw new ValidationError(`candidates file '${file}' line ${i + 1}: the test id ${problem}`);
    if (model.get(id) === undefined && !hasClassAndName(id)) {
      throw new ValidationError(
        `candidates file '${file}' line ${i + 1}: unknown test id '${id}': not in the history and not of the form classname.name`,
      );
    }
    if (seen.has(id)) {
      duplicateLines.push(i + 1);
      continue;
    }
    seen.add(id);
    ids.push(id);
  }
  if (ids.length === 0)
    throw new ValidationError(`candidates file '${file}' lists no test id (one classname.name per line)`);
  return { ids, duplicateLines };
}
