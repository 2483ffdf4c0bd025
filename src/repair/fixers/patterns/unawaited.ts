/**
 * An unawaited promise (JavaScript/TypeScript): inside an async function, a value read on the
 * failing line came from a call of an async function without `await` (`const user =
 * getUser(id); user.name`), so the code read a property of a Promise. The patch adds the
 * `await`. Async functions are found in the same file and in relatively imported modules.
 */
import { dirname, join, normalize } from "node:path";
import type { Node } from "web-tree-sitter";
import { failingAccesses } from "./null-guard.js";
import { enclosingFunction, frameLabel, nodesOnRow, type Proposal, rootName, type Site, statementAt } from "./site.js";
import { descendants } from "./syntax.js";
import { parseSource, grammarOf } from "./tree-sitter.js";

/** Names of async functions and methods declared in a syntax tree. */
function asyncNames(root: Node): Set<string> {
  const out = new Set<string>();
  for (const n of descendants(root)) {
    const isAsync = n.children.some((c) => c?.type === "async");
    if (!isAsync) continue;
    if (/function_declaration|method_definition/.test(n.type)) out.add(n.childForFieldName("name")?.text ?? "");
    if (/arrow_function|function_expression|^function$/.test(n.type)) {
      const holder = n.parent?.type === "variable_declarator" || n.parent?.type === "pair" ? n.parent : undefined;
      const name = holder?.childForFieldName("name") ?? holder?.childForFieldName("key");
      if (name) out.add(name.text);
    }
  }
  out.delete("");
  return out;
}

/** Async functions callable from the file: its own and those of relative imports. */
async function knownAsync(site: Site): Promise<Set<string>> {
  const names = asyncNames(site.root);
  for (const imp of descendants(site.root).filter((n) => n.type === "import_statement")) {
    const source = imp.childForFieldName("source")?.text.slice(1, -1);
    if (!source?.startsWith(".")) continue;
    const base = normalize(join(dirname(site.path), source)).replace(/\\/g, "/");
    const candidates = [base, base.replace(/\.js$/, ".ts"), `${base}.js`, `${base}.ts`, `${base}/index.js`];
    for (const path of candidates) {
      const text = await site.readFile(path);
      const grammar = grammarOf(path);
      if (text === undefined || !grammar) continue;
      const tree = await parseSource(grammar, text);
      for (const name of asyncNames(tree.rootNode)) names.add(name);
      tree.delete();
      break;
    }
  }
  return names;
}

/** The unawaited call behind `value`: the value itself, or the initializer of the local it names. */
function callBehind(fn: Node, value: Node, names: Set<string>, before: number): Node | undefined {
  const isAsyncCall = (n: Node | null | undefined) => {
    if (n?.type !== "call_expression") return false;
    const callee = n.childForFieldName("function");
    const short = callee?.type === "member_expression" ? callee.childForFieldName("property")?.text : callee?.text;
    return short !== undefined && names.has(short) && n.parent?.type !== "await_expression";
  };
  if (isAsyncCall(value)) return value;
  const name = rootName(value);
  if (!name || value.type !== "identifier") return undefined;
  const decl = descendants(fn).find(
    (n) => n.type === "variable_declarator" && n.childForFieldName("name")?.text === name && n.startIndex < before,
  );
  const init = decl?.childForFieldName("value");
  return isAsyncCall(init) ? init! : undefined;
}

/** Proposals adding a missing `await` behind the failing access. */
export async function proposeAwaits(site: Site): Promise<Proposal[]> {
  const stmt = statementAt(site);
  const fn = stmt && enclosingFunction(site, stmt);
  if (!stmt || !fn || site.dialect.name !== "javascript" || !fn.children.some((c) => c?.type === "async")) return [];
  const names = await knownAsync(site);
  if (names.size === 0) return [];
  const values =
    site.signal.kind === "not-function"
      ? nodesOnRow(site, stmt)
          .filter((n) => n.type === "call_expression" && n.childForFieldName("function")?.text === site.signal.callee)
          .map((n) => n.childForFieldName("function")?.childForFieldName("object"))
      : [
          ...failingAccesses(site, stmt).map((a) => a.object),
          ...nodesOnRow(site, stmt).filter((n) => n.type === "identifier"),
        ];
  const seen = new Set<number>();
  const out: Proposal[] = [];
  for (const value of values) {
    const call = value && callBehind(fn, value, names, stmt.startIndex + 1);
    if (!call || seen.has(call.id)) continue;
    seen.add(call.id);
    const wrap = call.parent?.type === "member_expression" || call.parent?.type === "call_expression";
    out.push({
      fixer: "pattern/missing-await",
      title: `Await ${call.childForFieldName("function")!.text}() in ${site.frameFunction ?? "the failing code"}`,
      explanation:
        `${frameLabel(site)} failed with ${site.signal.summary}. \`${call.text}\` calls an async function, so it ` +
        `returns a Promise, and the code reads from that Promise instead of its result. The patch awaits it.`,
      edits: wrap
        ? [
            { start: call.startIndex, end: call.startIndex, text: "(await " },
            { start: call.endIndex, end: call.endIndex, text: ")" },
          ]
        : [{ start: call.startIndex, end: call.startIndex, text: "await " }],
    });
  }
  return out;
}
