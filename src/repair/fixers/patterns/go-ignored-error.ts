/**
 * Go: a value parsed with its error thrown away (`n, _ := strconv.Atoi(s)`) that then breaks the
 * failing line (a zero divisor, a bad index). The patch keeps the error and leaves through the
 * handler's 400 answer (or the exit the surrounding code offers) when the input does not parse.
 */
import type { Node } from "web-tree-sitter";
import { exitsAt } from "./exits.js";
import { guardBefore } from "./insert-guard.js";
import { enclosingFunction, frameLabel, type Proposal, type Site, statementAt } from "./site.js";
import { descendants } from "./syntax.js";

/** Declarations in `fn` of a variable used on `stmt` from `strconv.X(...)` with the error as `_`. */
function ignoredParses(fn: Node, stmt: Node): { decl: Node; blank: Node; name: string }[] {
  const used = new Set(
    descendants(stmt)
      .filter((n) => n.type === "identifier")
      .map((n) => n.text),
  );
  const out: { decl: Node; blank: Node; name: string }[] = [];
  for (const n of descendants(fn)) {
    if (n.type !== "short_var_declaration" && n.type !== "assignment_statement") continue;
    if (n.startIndex >= stmt.startIndex) continue;
    const left = n.childForFieldName("left")?.namedChildren ?? [];
    const right = n.childForFieldName("right")?.namedChild(0);
    if (
      left.length !== 2 ||
      left[1]?.text !== "_" ||
      !/^strconv\.\w+$/.test(right?.childForFieldName("function")?.text ?? "")
    )
      continue;
    if (left[0] && used.has(left[0].text)) out.push({ decl: n, blank: left[1]!, name: left[0].text });
  }
  return out;
}

/** Proposals that stop ignoring the parse error behind the failing line (Go). */
export function proposeIgnoredErrorChecks(site: Site): Proposal[] {
  const stmt = statementAt(site);
  const fn = stmt && enclosingFunction(site, stmt);
  if (!stmt || !fn || site.dialect.name !== "go") return [];
  const out: Proposal[] = [];
  for (const { decl, blank, name } of ignoredParses(fn, stmt)) {
    const err = "err";
    if (
      decl.type === "assignment_statement" &&
      !descendants(fn).some((n) => n.text === "err" && n.startIndex < decl.startIndex)
    )
      continue;
    const next = decl.nextNamedSibling;
    if (!next) continue;
    for (const exit of exitsAt(site, decl, { status: 400, message: `${name} must be a number` })) {
      const guard = guardBefore(site, next, `${err} != nil`, exit);
      if (!guard) continue;
      out.push({
        fixer: "pattern/parse-guard",
        title: `Check the error of parsing ${name} in ${site.frameFunction ?? "the failing code"} (${exit.label})`,
        explanation:
          `${frameLabel(site)} failed with ${site.signal.summary}. \`${name}\` comes from \`${decl.text}\`, which ` +
          `throws the parse error away, so bad input turns into a zero value that breaks this line. The patch keeps the ` +
          `error and does \`${exit.statements.join(" ")}\` (${exit.label}) when the input does not parse.`,
        edits: [{ start: blank.startIndex, end: blank.endIndex, text: err }, ...guard],
      });
    }
  }
  return out;
}
