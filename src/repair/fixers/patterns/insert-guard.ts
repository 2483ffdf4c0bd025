/** Inserting an `if (bad) exit` guard on its own lines just above a statement, in its indentation. */
import type { Node } from "web-tree-sitter";
import type { Exit } from "./exits.js";
import type { Site, TextEdit } from "./site.js";
import { indentAt, indentUnit, lineStartOf } from "./syntax.js";

/**
 * The edits inserting `if cond: exit` before `stmt` (the guard first, then any edits the exit
 * needs elsewhere), undefined when `stmt` does not start its line.
 */
export function guardBefore(site: Site, stmt: Node, cond: string, exit: Exit): TextEdit[] | undefined {
  const start = lineStartOf(site.text, stmt.startIndex);
  if (site.text.slice(start, stmt.startIndex).trim()) return undefined;
  const indent = indentAt(site.text, stmt.startIndex);
  const text = site.dialect.guard(cond, exit.statements, indent, indentUnit(site.text));
  return [{ start, end: start, text }, ...(exit.edits ?? [])];
}

/** The edit inserting whole lines (each at `stmt`'s indentation) before `stmt`. */
export function linesBefore(site: Site, stmt: Node, lines: string[]): TextEdit | undefined {
  const start = lineStartOf(site.text, stmt.startIndex);
  if (site.text.slice(start, stmt.startIndex).trim()) return undefined;
  const indent = indentAt(site.text, stmt.startIndex);
  return { start, end: start, text: lines.map((l) => `${indent}${l}\n`).join("") };
}
