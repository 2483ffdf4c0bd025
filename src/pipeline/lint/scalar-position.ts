/**
 * Maps an offset inside a YAML string value back to a line/column of the file, so a diagnostic
 * about, say, column 12 of an `if:` expression points at that character. Handles plain and
 * quoted one-line scalars and block scalars (`|`, `>`); for folded blocks with blank lines or
 * escape sequences in quoted strings the column is approximate.
 */

/** Position of character `offset` of the scalar whose node starts at `line`/`column` (1-based). */
export function scalarPosition(
  text: string,
  start: { line: number; column: number },
  offset: number,
): { line: number; column: number } {
  const lines = text.split(/\r?\n/);
  const first = (lines[start.line - 1] ?? "").slice(start.column - 1);
  const indicator = first[0];
  if (indicator === '"' || indicator === "'") return { line: start.line, column: start.column + 1 + offset };
  if (indicator !== "|" && indicator !== ">") return { line: start.line, column: start.column + offset };
  const body = lines.slice(start.line);
  const firstContent = body.find((l) => l.trim() !== "") ?? "";
  const indent = firstContent.length - firstContent.trimStart().length;
  let remaining = offset;
  for (const [i, raw] of body.entries()) {
    const content = raw.slice(indent);
    if (remaining <= content.length) return { line: start.line + 1 + i, column: indent + remaining + 1 };
    remaining -= content.length + 1;
  }
  return start;
}
