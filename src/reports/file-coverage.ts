import type { ReportInputOptions } from "./report-input.js";

/** Coverage of one source file, as found in an lcov or Cobertura report. */
export interface FileCoverage {
  /** Repository-relative path with `/` separators (absolute only when outside the workspace). */
  file: string;
  linesTotal: number;
  linesCovered: number;
  branchesTotal: number;
  branchesCovered: number;
  /** Absent when the report carries no function information (e.g. coverage.py). */
  functionsTotal?: number;
  functionsCovered?: number;
}

/** Options of the coverage parsers. */
export interface CoverageOptions extends ReportInputOptions {
  /** Absolute workspace path(s) stripped from file paths to make them repository-relative. */
  workspace?: string | readonly string[];
}

/** The workspace option as a list of prefixes. */
export function workspacePrefixes(opts: CoverageOptions): readonly string[] {
  const ws = opts.workspace;
  return ws === undefined ? [] : typeof ws === "string" ? [ws] : ws;
}
