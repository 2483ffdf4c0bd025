/** Printing diagnostics for the terminal (`pitcrew lint`, `pitcrew import`). */
import { type Diagnostic, formatDiagnostic } from "../common/diagnostics.js";

/**
 * Diagnostics the way a compiler prints them: `file:line:col: error[code]: message`, the
 * offending source line with a caret under the column, then `N errors, M warnings`.
 */
export function renderDiagnostics(text: string, diagnostics: Diagnostic[]): string {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  for (const d of diagnostics) {
    out.push(formatDiagnostic(d));
    const source = lines[d.line - 1];
    if (source === undefined || source.trim() === "") continue;
    const gutter = String(d.line).length + 2;
    out.push(`${String(d.line).padStart(gutter)} | ${source}`);
    out.push(`${" ".repeat(gutter)} | ${" ".repeat(Math.max(0, d.column - 1))}^`);
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  out.push(`${plural(errors, "error")}, ${plural(warnings, "warning")}`);
  return `${out.join("\n")}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
