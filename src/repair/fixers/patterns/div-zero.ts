/**
 * Division by zero (Python ZeroDivisionError, Java `/ by zero`, Go integer divide by zero):
 * guards the divisor on the failing line with each exit the surrounding code offers, and for
 * Python and Java also proposes the expression form `(a / d if d else 0)` / `(d == 0 ? 0 : a / d)`,
 * ranked first when the only exits would return None/null (that moves the crash to the callers).
 */
import type { Node } from "web-tree-sitter";
import { exitsAt } from "./exits.js";
import { guardBefore } from "./insert-guard.js";
import { frameLabel, nodesOnRow, type Proposal, type Site, statementAt } from "./site.js";

const DIVIDE = /^(\/|%|\/\/|\/=|%=|\/\/=)$/;

/** Divisions on the line whose divisor is not a non-zero number literal: [division, divisor]. */
function divisions(site: Site, stmt: Node): [Node, Node][] {
  const out: [Node, Node][] = [];
  for (const n of nodesOnRow(site, stmt)) {
    if (!/binary|augmented_assignment|assignment_statement|assignment_expression/.test(n.type)) continue;
    const op = n.childForFieldName("operator")?.text ?? n.children.find((c) => c && DIVIDE.test(c.type))?.type;
    if (!op || !DIVIDE.test(op)) continue;
    const divisor = n.childForFieldName("right");
    if (!divisor || (/^\d[\d_.]*$/.test(divisor.text) && Number(divisor.text.replace(/_/g, "")) !== 0)) continue;
    out.push([n, divisor]);
  }
  return out.sort((a, b) => a[0].startIndex - b[0].startIndex);
}

/** Division-by-zero proposals for the failing line. */
export function proposeDivisionGuards(site: Site): Proposal[] {
  const { dialect } = site;
  const stmt = statementAt(site);
  if (!stmt) return [];
  const out: Proposal[] = [];
  for (const [division, divisor] of divisions(site, stmt).slice(0, 2)) {
    const d = divisor.text;
    const why = `${frameLabel(site)} failed with ${site.signal.summary}: the divisor \`${d}\` was zero`;
    const guards: Proposal[] = [];
    if (dialect.isStable(divisor) || dialect.callName(divisor) !== undefined) {
      for (const exit of exitsAt(site, stmt, { status: 400, message: `${d} must not be zero` })) {
        const guard = guardBefore(site, stmt, dialect.isZero(d), exit);
        if (guard)
          guards.push({
            fixer: "pattern/division-guard",
            title: `Guard against division by zero (${d}) in ${site.frameFunction ?? "the failing code"} (${exit.label})`,
            explanation: `${why}. The patch checks \`${d}\` first and, when it is zero, does \`${exit.statements.join(" ")}\` (${exit.label}).`,
            edits: guard,
          });
      }
    }
    const expression = division.type.startsWith("binary") ? division.text : undefined;
    const guarded =
      expression && dialect.name === "python"
        ? `(${expression} if ${d} else 0)`
        : expression && dialect.name === "java"
          ? `(${d} == 0 ? 0 : ${expression})`
          : undefined;
    const local: Proposal[] = guarded
      ? [
          {
            fixer: "pattern/division-guard",
            title: `Default to 0 when ${d} is zero in ${site.frameFunction ?? "the failing code"}`,
            explanation: `${why}. The patch yields 0 for that division instead of raising.`,
            edits: [{ start: division.startIndex, end: division.endIndex, text: guarded }],
          },
        ]
      : [];
    // returning null from a function that otherwise returns values moves the crash to its callers
    out.push(
      ...(guards.every((g) => /\((return (None|null))\)$/.test(g.title))
        ? [...local, ...guards]
        : [...guards, ...local]),
    );
  }
  return out;
}
