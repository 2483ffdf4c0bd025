/**
 * Index out of range (Python IndexError, Java `Index 5 out of bounds for length 3`, Go `index
 * out of range [5] with length 3`): guards the indexed read on the failing line — the one whose
 * literal index matches the printed index first — with each exit the surrounding code offers.
 * The index may be a literal, a stable value or arithmetic over those (`size - 1`, `i + 1`):
 * reading it twice gives the same number.
 */
import type { Node } from "web-tree-sitter";
import type { Access } from "./dialect.js";
import { exitsAt } from "./exits.js";
import { guardBefore } from "./insert-guard.js";
import { frameLabel, nodesOnRow, type Proposal, type Site, statementAt } from "./site.js";

const LIST_GET = /^(get|remove)$/;
const ARITHMETIC = /^(binary_expression|binary_operator|parenthesized_expression|unary_expression|unary_operator)$/;

/** A literal, a stable value, or `+ - * / %` arithmetic over those (module comment). */
function stableIndex(site: Site, n: Node): boolean {
  if (/^-?\d+$/.test(n.text) || site.dialect.isStable(n)) return true;
  if (!ARITHMETIC.test(n.type)) return false;
  const operators = n.children.filter((c) => c && !c.isNamed).map((c) => c!.text);
  return (
    operators.every((o) => /^[-+*/%()]$/.test(o)) &&
    n.namedChildCount > 0 &&
    n.namedChildren.every((c) => c !== null && stableIndex(site, c))
  );
}

/** Indexed reads on the line: arrays/slices/lists by subscript, Java `list.get(i)`, `s.charAt(i)`. */
function indexReads(
  site: Site,
  stmt: Node,
): { access: Access; seq: Node; index: Node; kind: "array" | "list" | "string" }[] {
  const { dialect, signal } = site;
  const out: { access: Access; seq: Node; index: Node; kind: "array" | "list" | "string" }[] = [];
  for (const n of nodesOnRow(site, stmt)) {
    const a = dialect.access(n);
    if (!a) continue;
    if (a.use === "index" && a.index && a.index.type !== "slice")
      out.push({ access: a, seq: a.object, index: a.index, kind: "array" });
    if (dialect.name === "java" && a.use === "call" && a.name && (LIST_GET.test(a.name) || a.name === "charAt")) {
      const arg = n.childForFieldName("arguments")?.namedChild(0);
      if (arg) out.push({ access: a, seq: a.object, index: arg, kind: a.name === "charAt" ? "string" : "list" });
    }
  }
  const literalOf = (x: Node) => (/^-?\d+$/.test(x.text) ? Number(x.text) : undefined);
  return out.sort(
    (x, y) =>
      Number(literalOf(y.index) === signal.index) - Number(literalOf(x.index) === signal.index) ||
      x.access.node.startIndex - y.access.node.startIndex,
  );
}

/** Index-out-of-range proposals for the failing line. */
export function proposeIndexGuards(site: Site): Proposal[] {
  const { dialect } = site;
  const stmt = statementAt(site);
  if (!stmt) return [];
  const out: Proposal[] = [];
  const javaKind = /ArrayIndex/.test(site.signal.summary)
    ? "array"
    : /StringIndex/.test(site.signal.summary)
      ? "string"
      : "list";
  for (const read of indexReads(site, stmt)
    .filter((r) => dialect.name !== "java" || r.kind === javaKind)
    .slice(0, 2)) {
    if (!dialect.isStable(read.seq) || !stableIndex(site, read.index)) continue;
    const literal = /^-?\d+$/.test(read.index.text) ? Number(read.index.text) : undefined;
    const cond = dialect.outOfRange(read.seq.text, read.index.text, literal, read.kind);
    const what = `${read.seq.text}[${read.index.text}]`;
    const why = `${frameLabel(site)} failed with ${site.signal.summary}: \`${read.access.node.text}\` read past the end of \`${read.seq.text}\``;
    for (const exit of exitsAt(site, stmt, {
      status: 400,
      message: `${read.seq.text} has no element ${read.index.text}`,
    })) {
      const guard = guardBefore(site, stmt, cond, exit);
      if (guard)
        out.push({
          fixer: "pattern/index-guard",
          title: `Check the bounds of ${what} in ${site.frameFunction ?? "the failing code"} (${exit.label})`,
          explanation: `${why}. The patch checks \`${cond}\` first and then does \`${exit.statements.join(" ")}\` (${exit.label}).`,
          edits: guard,
        });
    }
  }
  return out;
}
