/**
 * The culprit-file view of a suspect list: the files the suspects name, each once, in the order
 * of its best suspect, with that score and the suspect lines in it. Suspects stay one per line
 * (the fixers read lines); this answers "which file?", so the first few entries are different files.
 */
import type { Suspect } from "./suspects.js";

/** One file of the ranking. */
export interface SuspectFile {
  file: string;
  /** The best score of the file's suspects. */
  score: number;
  /** The file's suspect lines, best first (empty for a file named without a line). */
  lines: number[];
}

/** Groups `suspects` (best first) by file, keeping the order of each file's best suspect. */
export function suspectFiles(suspects: readonly Suspect[]): SuspectFile[] {
  const byFile = new Map<string, SuspectFile>();
  for (const s of suspects) {
    const entry = byFile.get(s.file) ?? byFile.set(s.file, { file: s.file, score: s.score, lines: [] }).get(s.file)!;
    if (s.line !== undefined) entry.lines.push(s.line);
  }
  return [...byFile.values()];
}
