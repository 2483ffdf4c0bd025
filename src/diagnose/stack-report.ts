/**
 * The stable JSON contract of `pitcrew stack --json` (and of any API that serves the same):
 *
 * ```
 * { language, exception: {type, message}, rootCause: {type, message},
 *   frames: [{file, line, column, function, module, inApp}],      // innermost first
 *   causes: [{exception, frames}],                                // nearest first, root cause last
 *   suspects: [{file, line, function, module, score, reasons, inApp, commit?}],  // best first
 *   files: [{file, score, lines}],                                // the suspects' files, best first
 *   line, otherTraces, unmapped, warnings }
 * ```
 * `exception`/`frames` are the outermost exception (the one that escaped); missing values are
 * `null`, never absent; `commit` is `{sha, author, date, summary, release?}` when blame worked.
 */
import type { StackAnalysis } from "./analyze-stack.js";
import type { Frame } from "./stacktrace/types.js";

/** One frame in the JSON contract. */
export interface FrameJson {
  file: string;
  line: number | null;
  column: number | null;
  function: string | null;
  module: string | null;
  inApp: boolean;
}

/** The JSON document `pitcrew stack --json` prints. */
export interface StackReport {
  language: string;
  exception: { type: string; message: string };
  rootCause: { type: string; message: string };
  frames: FrameJson[];
  causes: { exception: { type: string; message: string }; frames: FrameJson[] }[];
  suspects: {
    file: string;
    line: number | null;
    function: string | null;
    module: string | null;
    score: number;
    reasons: string[];
    inApp: boolean;
    commit?: { sha: string; author: string; date: string; summary: string; release?: string };
  }[];
  files: { file: string; score: number; lines: number[] }[];
  line: number;
  otherTraces: number;
  unmapped: string[];
  warnings: string[];
}

const frameJson = (f: Frame): FrameJson => ({
  file: f.file,
  line: f.line ?? null,
  column: f.column ?? null,
  function: f.function ?? null,
  module: f.module ?? null,
  inApp: f.inApp,
});

/** Builds the JSON contract from an analysis. */
export function toStackReport(a: StackAnalysis): StackReport {
  const causes = a.trace.causes ?? [];
  return {
    language: a.trace.language,
    exception: a.trace.exception,
    rootCause: (causes.at(-1) ?? a.trace).exception,
    frames: a.trace.frames.map(frameJson),
    causes: causes.map((c) => ({ exception: c.exception, frames: c.frames.map(frameJson) })),
    suspects: a.suspects.map((s) => ({
      file: s.file,
      line: s.line ?? null,
      function: s.function ?? null,
      module: s.module ?? null,
      score: s.score,
      reasons: s.reasons,
      inApp: s.inApp,
      ...(s.commit && { commit: s.commit }),
    })),
    files: a.files.map((f) => ({ file: f.file, score: f.score, lines: f.lines })),
    line: a.line,
    otherTraces: a.otherTraces,
    unmapped: a.unmapped,
    warnings: a.warnings,
  };
}
