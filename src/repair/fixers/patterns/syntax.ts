/** Small helpers over tree-sitter nodes shared by the pattern fixers. */
import type { Node } from "web-tree-sitter";

/** The node's ancestors, nearest first. */
export function ancestors(node: Node): Node[] {
  const out: Node[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p);
  return out;
}

/** Every named descendant of `node` (itself included), in document order. */
export function descendants(node: Node): Node[] {
  const out: Node[] = [node];
  for (const child of node.namedChildren) if (child) out.push(...descendants(child));
  return out;
}

/** Named descendants of `node` that do not sit inside a nested node of `stopTypes`. */
export function ownDescendants(node: Node, stopTypes: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    for (const child of n.namedChildren) {
      if (!child) continue;
      out.push(child);
      if (!stopTypes.has(child.type)) walk(child);
    }
  };
  walk(node);
  return out;
}

/** True when `node` covers the 0-based `row`. */
export const coversRow = (node: Node, row: number) => node.startPosition.row <= row && node.endPosition.row >= row;

/** The leading whitespace of the line holding `index`. */
export function indentAt(text: string, index: number): string {
  const start = text.lastIndexOf("\n", index - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** Index of the start of the line holding `index`. */
export const lineStartOf = (text: string, index: number) => text.lastIndexOf("\n", index - 1) + 1;

/** The file's indentation unit: a tab, or the most common step between nested indents (default 2 spaces). */
export function indentUnit(text: string): string {
  if (/^\t/m.test(text)) return "\t";
  const counts = new Map<number, number>();
  let previous = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const width = /^ */.exec(line)![0].length;
    if (width > previous) counts.set(width - previous, (counts.get(width - previous) ?? 0) + 1);
    previous = width;
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  return " ".repeat(best?.[0] ?? 2);
}

/** Re-indents a multi-line snippet from `from` to `to` (lines not starting with `from` are kept). */
export function reindent(snippet: string, from: string, to: string): string {
  return snippet
    .split("\n")
    .map((line, k) => (k === 0 ? line : line.startsWith(from) ? to + line.slice(from.length) : line))
    .join("\n");
}

/** The field name under which `node` hangs from its parent, if any. */
export function fieldOf(node: Node): string | undefined {
  const parent = node.parent;
  if (!parent) return undefined;
  for (let i = 0; i < parent.childCount; i++)
    if (parent.child(i)?.id === node.id) return parent.fieldNameForChild(i) ?? undefined;
  return undefined;
}
