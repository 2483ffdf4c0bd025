/**
 * The error path of an HTTP handler, copied from the surrounding code: a statement of the same
 * handler (or, failing that, of the same file) that answers a 4xx status, with the status and
 * message changed, plus the statements after it up to its `return`. When the code has none, the
 * dialect's plain answer for the framework (`res.statusCode = 404`, `self.send_error`,
 * `http.Error`…) is used.
 */
import type { Node } from "web-tree-sitter";
import { enclosingFunction, type Site } from "./site.js";
import { descendants } from "./syntax.js";

/** A statement of the file that answers 4xx: the statement, its status node, and its function. */
interface Example {
  statements: Node[];
  status: Node;
}

/** Statements answering a 4xx status in `scope`, as runs ending in their exit statement. */
function examples(site: Site, scope: Node): Example[] {
  const { dialect } = site;
  const out: Example[] = [];
  for (const stmt of descendants(scope)) {
    if (!dialect.simpleStatements.has(stmt.type) || !stmt.parent || !dialect.blocks.has(stmt.parent.type)) continue;
    const status = descendants(stmt).find((n) => dialect.statusOf(n) !== undefined);
    if (!status) continue;
    const run = [stmt];
    for (let next = stmt.nextNamedSibling; next && run.length < 3; next = next.nextNamedSibling) {
      if (dialect.exitStatements.has(run.at(-1)!.type)) break;
      if (!dialect.simpleStatements.has(next.type)) break;
      run.push(next);
    }
    out.push({ statements: run, status });
  }
  return out;
}

/** The message literal of an example: the value of an `error`/`message` key, or a string argument. */
function messageLiteral(ex: Example): Node | undefined {
  const strings = ex.statements.flatMap((s) =>
    descendants(s).filter((n) => /^(string|string_literal|interpreted_string_literal)$/.test(n.type)),
  );
  const keyed = strings.find((n) => {
    const key = n.previousNamedSibling ?? n.parent?.previousNamedSibling;
    return key !== null && key !== undefined && /error|message|detail|reason/i.test(key.text) && key.text !== n.text;
  });
  return keyed ?? strings.find((n) => !n.text.includes("/") && /\s/.test(n.text.slice(1, -1)));
}

/** Renders an example with a new status and message, as statement texts (first line unindented). */
function render(site: Site, ex: Example, status: number, message: string): string[] {
  const literal = messageLiteral(ex);
  return ex.statements.map((stmt) => {
    const replacements = [{ node: ex.status, text: site.dialect.statusText(status, ex.status) }];
    if (literal) replacements.push({ node: literal, text: site.dialect.quote(message) });
    let text = stmt.text;
    for (const r of replacements
      .filter((r) => r.node.startIndex >= stmt.startIndex && r.node.endIndex <= stmt.endIndex)
      .sort((a, b) => b.node.startIndex - a.node.startIndex))
      text =
        text.slice(0, r.node.startIndex - stmt.startIndex) + r.text + text.slice(r.node.endIndex - stmt.startIndex);
    return text;
  });
}

/**
 * The handler's error path answering `status` with `message`, as statements (the last one leaves
 * the function), or undefined when `fn` does not look like an HTTP handler.
 */
export function errorPath(site: Site, fn: Node, status: number, message: string): string[] | undefined {
  const { dialect } = site;
  const own = examples(site, fn).filter((ex) => enclosingFunction(site, ex.statements[0]!)?.id === fn.id);
  const fallback = dialect.fallbackErrorPath(fn, status, message);
  const chosen = own[0] ?? (fallback ? examples(site, site.root)[0] : undefined);
  if (!chosen) return fallback;
  const lines = render(site, chosen, status, message);
  const last = chosen.statements.at(-1)!;
  if (dialect.exitStatements.has(last.type)) return lines;
  const value = dialect.returnValue(fn, site.text);
  if (value !== null && own.length === 0) return fallback;
  return [...lines, dialect.statement(value ? `return ${value}` : "return")];
}
