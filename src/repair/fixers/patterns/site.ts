/**
 * The place a pattern fixer works on: the suspect file's text and syntax tree, the failing line,
 * what the exception said, and the language dialect, with the lookups every strategy shares.
 */
import type { Node } from "web-tree-sitter";
import type { Dialect } from "./dialect.js";
import type { FailureSignal } from "./failure-signal.js";
import { ancestors, coversRow, descendants } from "./syntax.js";

/** A text replacement: `[start, end)` of the original text becomes `text`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** A strategy's answer: edits to one file with a title and reasons. */
export interface Proposal {
  /** Strategy name, e.g. `pattern/null-guard`. */
  fixer: string;
  title: string;
  explanation: string;
  edits: TextEdit[];
}

/** The suspect location and everything known about it. */
export interface Site {
  dialect: Dialect;
  /** Repository-relative path and the file's text. */
  path: string;
  text: string;
  root: Node;
  /** 0-based row of the failing line. */
  row: number;
  /** The frame's function name as the trace printed it. */
  frameFunction?: string;
  signal: FailureSignal;
  /** The failure's innermost frame is outside the project (a dependency or the runtime read the value). */
  failedInDependency?: boolean;
  /** JavaScript: false when the project's declared Node.js engines cannot parse optional chaining (`node-engines.ts`). */
  optionalChaining?: boolean;
  /** Reads another repository file (relative path), undefined when missing. */
  readFile(path: string): Promise<string | undefined>;
}

/** The statement (a direct child of a block) that holds the failing line, innermost first. */
export function statementAt(site: Site): Node | undefined {
  const { blocks } = site.dialect;
  const lineText = site.text.split("\n")[site.row] ?? "";
  const column = lineText.length - lineText.trimStart().length;
  let node: Node | null = site.root.descendantForPosition({ row: site.row, column });
  for (; node; node = node.parent) if (node.parent && blocks.has(node.parent.type)) return node;
  return undefined;
}

/** Named nodes inside `stmt` that cover the failing row, innermost (deepest) first. */
export function nodesOnRow(site: Site, stmt: Node): Node[] {
  return descendants(stmt)
    .filter((n) => coversRow(n, site.row))
    .sort((a, b) => ancestors(b).length - ancestors(a).length || a.startIndex - b.startIndex);
}

/** The function enclosing `node`, if any. */
export function enclosingFunction(site: Site, node: Node): Node | undefined {
  return ancestors(node).find((a) => site.dialect.functions.has(a.type));
}

/** The loop whose body holds `node` without a function in between, if any. */
export function enclosingLoop(site: Site, node: Node): Node | undefined {
  for (const a of ancestors(node)) {
    if (site.dialect.functions.has(a.type)) return undefined;
    if (site.dialect.loops.has(a.type)) {
      const body = site.dialect.loopBody(a);
      if (body && body.startIndex <= node.startIndex && body.endIndex >= node.endIndex) return a;
    }
  }
  return undefined;
}

/** The identifiers an expression starts from (`user` in `user.cart.items[i]`). */
export function rootName(node: Node): string | undefined {
  let n: Node | null = node;
  while (n && n.namedChildCount > 0 && n.type !== "identifier") n = n.namedChild(0);
  return n && /identifier|^self$|^this$/.test(n.type) ? n.text : undefined;
}

/** The short location of the frame for explanations: `src/cart.js:12 (total)`. */
export function frameLabel(site: Site): string {
  return `${site.path}:${site.row + 1}${site.frameFunction ? ` (${site.frameFunction})` : ""}`;
}

/** `wanted`, or `wanted2`, `wanted3`… when `scope` already uses the name. */
export function fresh(scope: Node, wanted: string): string {
  const taken = new Set(descendants(scope).flatMap((n) => (n.type.endsWith("identifier") ? [n.text] : [])));
  let name = wanted;
  for (let k = 2; taken.has(name); k++) name = `${wanted}${k}`;
  return name;
}
