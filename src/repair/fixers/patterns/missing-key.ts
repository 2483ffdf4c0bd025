/**
 * A missing dict key (Python KeyError): on the failing line, the subscript whose key is the one
 * printed (or a variable key) becomes `d.get(k, 0)` where the value is used as a number, and is
 * otherwise guarded with `if k not in d: <exit>` (400 for a literal key of the input, 404 for an
 * unknown id).
 */
import type { Node } from "web-tree-sitter";
import { exitsAt } from "./exits.js";
import { guardBefore } from "./insert-guard.js";
import { enclosingFunction, frameLabel, nodesOnRow, type Proposal, type Site, statementAt } from "./site.js";

/** True when the value of `node` feeds arithmetic or a numeric return. */
function numericUse(site: Site, node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === "binary_operator" && /^[-+*/%]|\/\/$/.test(parent.childForFieldName("operator")?.text ?? ""))
    return true;
  if (parent.type === "augmented_assignment" && parent.childForFieldName("right")?.id === node.id) return true;
  if (/^(sum|int|float|round|abs|max|min)$/.test(parent.parent?.childForFieldName("function")?.text ?? "")) return true;
  const fn = enclosingFunction(site, node);
  return parent.type === "return_statement" && fn !== undefined && site.dialect.returnValue(fn, site.text) === "0";
}

/** Missing-key proposals for the failing line (Python). */
export function proposeKeyFixes(site: Site): Proposal[] {
  const { dialect, signal } = site;
  const stmt = statementAt(site);
  if (!stmt || dialect.name !== "python") return [];
  const reads = nodesOnRow(site, stmt)
    .map((n) => dialect.access(n))
    .filter((a) => a?.use === "index" && a.index && a.index.type !== "slice")
    .map((a) => a!);
  const literal = (n: Node) => /^['"](.*)['"]$/.exec(n.text)?.[1];
  const matching = reads.filter((a) => literal(a.index!) === signal.key);
  const candidates = matching.length ? matching : reads.filter((a) => literal(a.index!) === undefined);
  const out: Proposal[] = [];
  for (const read of candidates.slice(0, 2)) {
    const d = read.object.text;
    const k = read.index!.text;
    const why = `${frameLabel(site)} failed with ${site.signal.summary}: \`${d}\` has no key ${signal.key !== undefined ? JSON.stringify(signal.key) : k}`;
    const parent = read.node.parent;
    const target = /assignment/.test(parent?.type ?? "") && parent?.childForFieldName("left")?.id === read.node.id;
    if (target && parent?.type === "augmented_assignment") {
      const op = parent.childForFieldName("operator")?.text.replace("=", "") ?? "+";
      const right = parent.childForFieldName("right")!.text;
      out.push({
        fixer: "pattern/missing-key",
        title: `Start ${d}[${k}] at 0 when the key is new`,
        explanation: `${why}. The patch reads the old value with \`.get(${k}, 0)\` before updating it.`,
        edits: [
          { start: parent.startIndex, end: parent.endIndex, text: `${d}[${k}] = ${d}.get(${k}, 0) ${op} ${right}` },
        ],
      });
      continue;
    }
    if (target) continue;
    const get = {
      fixer: "pattern/missing-key",
      title: `Default ${d}[${k}] to 0 when the key is missing`,
      explanation: `${why}. The value is used as a number, so the patch reads it with \`.get(${k}, 0)\`.`,
      edits: [{ start: read.node.startIndex, end: read.node.endIndex, text: `${d}.get(${k}, 0)` }],
    };
    if (numericUse(site, read.node)) out.push(get);
    if (!dialect.isStable(read.object)) continue;
    const reason = literal(read.index!)
      ? { status: 400, message: `missing ${literal(read.index!)}` }
      : { status: 404, message: `unknown ${k}` };
    for (const exit of exitsAt(site, stmt, reason)) {
      const guard = guardBefore(site, stmt, `${k} not in ${d}`, exit);
      if (guard)
        out.push({
          fixer: "pattern/missing-key",
          title: `Check that ${d} has ${k} in ${site.frameFunction ?? "the failing code"} (${exit.label})`,
          explanation: `${why}. The patch checks for the key first and then does \`${exit.statements.join(" ")}\` (${exit.label}).`,
          edits: guard,
        });
    }
  }
  return out;
}
