/**
 * Diagnostics: problems found in user-written text (config, pipeline files, rule files),
 * collected rather than thrown one by one, each with a position, as a compiler reports them.
 */

/** One problem in a source text. Lines and columns are 1-based. */
export interface Diagnostic {
  severity: "error" | "warning";
  /** Stable code, e.g. `unknown-key`, `cyclic-needs`. */
  code: string;
  message: string;
  file?: string;
  line: number;
  column: number;
  /** Dotted path of the offending node, e.g. `jobs.build.steps[0].run`. */
  path?: string;
}

/** True when any diagnostic is an error (warnings alone do not block). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Formats a diagnostic as `file:line:col: error[code]: message`, the way compilers print them. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file ?? "<input>"}:${d.line}:${d.column}`;
  return `${where}: ${d.severity}[${d.code}]: ${d.message}`;
}

/** Sorts diagnostics by position, errors before warnings on the same position. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.sort(
    (a, b) =>
      a.line - b.line || a.column - b.column || (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1),
  );
}
