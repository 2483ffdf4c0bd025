import type { FailureCategory } from "./category.js";

/** Why one line was ranked where it is: every feature and the weight it added to the score. */
export interface LineEvidence {
  /** Error-signal rules the line matched (`signals.ts`), best first. */
  signals: string[];
  /** Score from the signals (0 when none matched). */
  signal: number;
  /** Score from template rarity within the log: 1 / √(lines sharing the line's template). */
  rarity: number;
  /** How many lines of the log share the line's template (the log miner's cluster size). */
  templateCount: number;
  /** Score from the position: the line's place in the log, 0 at the start to 0.5 at the end. */
  position: number;
  /** 1 when the line is in the step that failed (the fold or command that ended with the exit code). */
  failingStep: number;
  /** Score from a stack trace the stack parsers found starting near the line, with its exception. */
  trace?: { score: number; language: string; exception: string };
  /** Server mode: the line names a failed test case of the job's JUnit reports, or quotes its message. */
  junit?: { score: number; test: string };
  /**
   * Server mode: novelty against the job's recent successful runs (`comparedRuns`): score 1 when
   * the line's template never occurs in them (`template`), else the cosine distance to the nearest
   * line of that template they printed (`line-novelty.ts`) when it is at least 0.2; `nearest` is that line.
   */
  novelty?: { score: number; template: boolean; distance?: number; nearest?: string };
}

/** One ranked line of a failed job's log. */
export interface ExplainedLine {
  /** 1-based line number in the raw log, counting `\n`. */
  line: number;
  /** The line as a person sees it: escapes, progress output, timestamps and fold markers removed. */
  text: string;
  /** The sum of the evidence's scores; higher explains the failure better. */
  score: number;
  evidence: LineEvidence;
}

/** One piece of evidence for a cause class: a ranked line matched a rule that points to it. */
export interface CategoryEvidence {
  line: number;
  rule: string;
  /** What the line added to the class: its score × the rule's weight / 3. */
  weight: number;
}

/** The cause class of a failure with its confidence and the lines that voted for it. */
export interface FailureClassification {
  category: FailureCategory;
  /** Share (0–1) of the class votes that went to `category`; 0 for `unknown`. */
  confidence: number;
  /** The votes of every class that got one. */
  votes: Partial<Record<FailureCategory, number>>;
  evidence: CategoryEvidence[];
}

/** What explains a failed job's log: ranked lines and the cause class. */
export interface LogExplanation extends FailureClassification {
  /** Most relevant first, at most the requested number. */
  lines: ExplainedLine[];
  /** Lines read (counting `\n`, plus an unterminated last line). */
  totalLines: number;
  /** Lines cut to the line-length bound while reading. */
  truncatedLines: number;
}
