/**
 * Null/undefined/None/nil guards at the failing access. Finds the access the exception names
 * (`reading 'name'`, `has no attribute 'total'`, `Cannot invoke "User.getName()" because "user"
 * is null`) on the suspect line and guards the value it reads from:
 *   - per-item values inside a lambda or comprehension: skip the item (JS optional chaining);
 *   - values computed by a call: hoisted into a local first;
 *   - then `if (value == null) <exit>` with each exit the surrounding code offers (skip in a
 *     loop, the handler's 404/400 answer, an early return fitting the function);
 *   - JS also gets optional chaining (with `?? 0` in arithmetic) as a last alternative, when the
 *     statement reads the value only once (otherwise the next read would fail instead).
 */
import type { Node } from "web-tree-sitter";
import type { Access } from "./dialect.js";
import { exitsAt } from "./exits.js";
import { guardBefore, linesBefore } from "./insert-guard.js";
import {
  enclosingFunction,
  frameLabel,
  fresh,
  nodesOnRow,
  type Proposal,
  rootName,
  type Site,
  statementAt,
  type TextEdit,
} from "./site.js";
import { ancestors, descendants } from "./syntax.js";

const LOOKUP = /^(find|get|load|fetch|lookup|read|by|resolve|select|query)/i;

/** The accesses on the failing line that match what the exception says, best first. */
export function failingAccesses(site: Site, stmt: Node): Access[] {
  const { dialect, signal } = site;
  const all = nodesOnRow(site, stmt)
    .map((n) => dialect.access(n))
    .filter((a): a is Access => a !== undefined);
  const named = (a: Access) =>
    (signal.member === undefined || a.name === signal.member) &&
    (signal.returnOf === undefined || dialect.callName(a.object) === signal.returnOf) &&
    (signal.subject === undefined ||
      signal.subject.startsWith("<") ||
      a.object.text === signal.subject ||
      `this.${a.object.text}` === signal.subject);
  if (signal.use === "unbox" && signal.returnOf) {
    // `map.get(k)` unboxed to a number: the call's own value was null
    const calls = nodesOnRow(site, stmt).filter((n) => dialect.callName(n) === signal.returnOf);
    return calls.map((n) => ({ node: n, object: n, use: "member" as const }));
  }
  if (signal.use === "index") return all.filter((a) => a.use === "index");
  let matching = all.filter(named);
  // V8 names the key a computed read used (`path[i]` → reading '0'): any computed subscript may be it
  if (matching.length === 0 && dialect.name === "javascript" && signal.member !== undefined)
    matching = all.filter((a) => a.use === "index" && a.name === undefined && a.index?.type !== "string");
  // the value was read inside a dependency: this line handed it over as a call's argument
  if (matching.length === 0 && site.failedInDependency) matching = passedArguments(site, stmt);
  if (dialect.name === "go") return rankGoOperands(site, matching);
  return matching.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/** The plain (stable, non-literal) arguments of the calls on the failing line, as accesses to guard. */
function passedArguments(site: Site, stmt: Node): Access[] {
  const { dialect } = site;
  return nodesOnRow(site, stmt)
    .filter((n) => dialect.callName(n) !== undefined)
    .flatMap((call) => call.childForFieldName("arguments")?.namedChildren ?? [])
    .filter(
      (arg): arg is Node =>
        !!arg && (arg.type === "identifier" || arg.type === "member_expression" || arg.type === "attribute"),
    )
    .filter((arg) => dialect.isStable(arg))
    .map((arg) => ({ node: arg, object: arg, use: "member" as const }));
}

/** Go prints no name: prefer values that came from a call or a map, then pointer parameters. */
function rankGoOperands(site: Site, accesses: Access[]): Access[] {
  const fn = enclosingFunction(site, accesses[0]?.node ?? site.root);
  const imports = new Set(
    descendants(site.root)
      .filter((n) => n.type === "import_spec")
      .map(
        (n) =>
          n.childForFieldName("name")?.text ??
          n.childForFieldName("path")!.text.replace(/^"|"$/g, "").split("/").pop()!,
      ),
  );
  const score = (a: Access) => {
    const name = a.object.text;
    if (!fn) return 0;
    const assigned = descendants(fn).find(
      (n) =>
        (n.type === "short_var_declaration" || n.type === "assignment_statement") &&
        n.childForFieldName("left")?.namedChildren.some((c) => c?.text === name),
    );
    if (assigned?.childForFieldName("right")?.namedChildren.some((c) => /call|index/.test(c?.type ?? ""))) return 2;
    const param = fn
      .childForFieldName("parameters")
      ?.namedChildren.find((p) => p?.childForFieldName("name")?.text === name);
    return param?.childForFieldName("type")?.type === "pointer_type" ? 1 : 0;
  };
  return accesses
    .filter((a) => !(a.object.type === "identifier" && imports.has(a.object.text)) && a.use !== "call")
    .sort((a, b) => score(b) - score(a) || a.node.startIndex - b.node.startIndex);
}

/** A readable local name for a hoisted call's value (`findUser(id)` → `user`). */
function nameFor(site: Site, call: Node): string {
  const callee = site.dialect.callName(call) ?? "value";
  const rest = callee.replace(LOOKUP, "").replace(/^_+/, "");
  const base = rest ? rest[0]!.toLowerCase() + rest.slice(1) : "value";
  return /^(if|for|in|is|new|class|function|return|var|let|const|default|type|func)$/.test(base) ? "value" : base;
}

/** The lambda or comprehension inside `stmt` that binds the value's root name, if any. */
function innerBinder(site: Site, stmt: Node, value: Node): Node | undefined {
  const name = rootName(value);
  if (!name) return undefined;
  return ancestors(value)
    .filter((a) => a.startIndex >= stmt.startIndex && a.endIndex <= stmt.endIndex)
    .find((a) => site.dialect.boundNames(a).includes(name));
}

/** The callee name of the call whose result was last assigned to the variable `value` before `stmt`. */
function assignedCall(site: Site, stmt: Node, value: Node): string | undefined {
  const fn = enclosingFunction(site, stmt);
  if (!fn || value.type !== "identifier") return undefined;
  const assignment = descendants(fn)
    .filter((n) => n.startIndex < stmt.startIndex)
    .filter((n) => (n.childForFieldName("name") ?? n.childForFieldName("left"))?.text === value.text)
    .at(-1);
  const assigned = assignment && (assignment.childForFieldName("value") ?? assignment.childForFieldName("right"));
  return assigned
    ? (site.dialect.callName(assigned) ?? site.dialect.callName(assigned.namedChild(0) ?? assigned))
    : undefined;
}

/** Proposals for one failing access. */
function guardAccess(site: Site, stmt: Node, access: Access): Proposal[] {
  const { dialect } = site;
  const value = access.object;
  const label = `${value.text}`;
  const why = `${frameLabel(site)} failed with ${site.signal.summary}: \`${label}\` was ${dialect.name === "python" ? "None" : dialect.name === "go" ? "nil" : "null"} there`;
  const binder = innerBinder(site, stmt, value);
  if (binder) return skipInside(site, binder, access, why);
  const out: Proposal[] = [];
  const origin = dialect.callName(value) ?? assignedCall(site, stmt, value);
  const fromLookup = LOOKUP.test(origin ?? "") || LOOKUP.test(value.text.split("(")[0] ?? "");
  const subject = dialect.callName(value) ? nameFor(site, value) : (rootName(value) ?? "value");
  const reason = fromLookup
    ? { status: 404, message: `${subject} not found` }
    : { status: 400, message: `${subject} is missing` };
  for (const exit of exitsAt(site, stmt, reason)) {
    const edits: TextEdit[] = [];
    let checked = value.text;
    if (!dialect.isStable(value)) {
      const fn = enclosingFunction(site, stmt) ?? site.root;
      checked = fresh(fn, nameFor(site, value));
      const hoist = linesBefore(site, stmt, [dialect.declare(checked, value.text)]);
      if (!hoist) continue;
      edits.push(hoist, { start: value.startIndex, end: value.endIndex, text: checked });
    }
    const guard = guardBefore(site, stmt, dialect.isMissing(checked), exit);
    if (!guard) continue;
    edits.unshift(...guard);
    out.push({
      fixer: "pattern/null-guard",
      title: `Guard against missing ${checked} in ${site.frameFunction ?? "the failing code"} (${exit.label})`,
      explanation: `${why}. The patch checks \`${checked}\` before it is used and, when it is missing, does \`${exit.statements.join(" ")}\` (${exit.label}) instead of crashing.`,
      edits: mergeInsertions(edits),
    });
  }
  const reads = descendants(stmt).filter((n) => dialect.access(n)?.object.text === value.text).length;
  if (dialect.name === "javascript" && site.optionalChaining !== false && reads === 1) {
    const chained = optionalChain(site, access);
    if (chained)
      out.push({
        fixer: "pattern/optional-chaining",
        title: `Use optional chaining on ${label} in ${site.frameFunction ?? "the failing code"}`,
        explanation: `${why}. The patch reads it with optional chaining so a missing value yields undefined${chained.defaulted ? " (0 in the arithmetic)" : ""} instead of a TypeError.`,
        edits: chained.edits,
      });
  }
  return out;
}

/** Merges insertions at the same place into one edit (the guard comes after the hoisted local). */
function mergeInsertions(edits: TextEdit[]): TextEdit[] {
  const inserts = edits.filter((e) => e.start === e.end);
  const others = edits.filter((e) => e.start !== e.end);
  const byStart = new Map<number, string>();
  for (const e of inserts.reverse()) byStart.set(e.start, (byStart.get(e.start) ?? "") + e.text);
  return [...[...byStart].map(([start, text]) => ({ start, end: start, text })), ...others];
}

/** `a.b` → `a?.b` (and `(a?.b ?? 0)` in arithmetic). */
function optionalChain(site: Site, access: Access): { edits: TextEdit[]; defaulted: boolean } | undefined {
  const node = access.node;
  const after = site.text.slice(access.object.endIndex, node.endIndex);
  const dot = after.search(/\S/);
  if (dot < 0) return undefined;
  const at = access.object.endIndex + dot;
  const op = site.text[at];
  const edit: TextEdit =
    op === "."
      ? { start: at, end: at + 1, text: "?." }
      : { start: at, end: at, text: op === "[" || op === "(" ? "?." : "" };
  if (!edit.text) return undefined;
  let top = node;
  while (top.parent && /member_expression|subscript_expression|call_expression/.test(top.parent.type)) top = top.parent;
  const parent = top.parent;
  const arithmetic =
    parent?.type === "binary_expression" && /^[-+*/%]$/.test(parent.childForFieldName("operator")?.text ?? "");
  const augmented = parent?.type === "augmented_assignment_expression";
  if (!arithmetic && !augmented) return { edits: [edit], defaulted: false };
  return {
    edits: [
      { start: top.startIndex, end: top.startIndex, text: "(" },
      edit,
      { start: top.endIndex, end: top.endIndex, text: " ?? 0)" },
    ],
    defaulted: true,
  };
}

/** Skips items whose value is missing inside a lambda or comprehension (`binder`). */
function skipInside(site: Site, binder: Node, access: Access, why: string): Proposal[] {
  const { dialect } = site;
  const value = access.object.text;
  if (dialect.name === "javascript") {
    const chained = site.optionalChaining !== false ? optionalChain(site, access) : undefined;
    return chained
      ? [
          {
            fixer: "pattern/optional-chaining",
            title: `Use optional chaining on ${value}`,
            explanation: `${why}. \`${value}\` is per item; the patch reads it with optional chaining.`,
            edits: chained.edits,
          },
        ]
      : [];
  }
  if (dialect.name === "python" && /comprehension|generator_expression/.test(binder.type)) {
    const forClause = binder.namedChildren.filter((c) => c?.type === "for_in_clause").at(-1);
    if (!forClause) return [];
    return [
      {
        fixer: "pattern/null-guard",
        title: `Skip items whose ${value} is None`,
        explanation: `${why}. The patch filters those items out of the comprehension.`,
        edits: [{ start: forClause.endIndex, end: forClause.endIndex, text: ` if ${value} is not None` }],
      },
    ];
  }
  if (dialect.name === "java" && binder.type === "lambda_expression") {
    const call = binder.parent?.parent;
    const receiver = call?.type === "method_invocation" ? call.childForFieldName("object") : null;
    const param = dialect.boundNames(binder)[0];
    if (!receiver || !param) return [];
    return [
      {
        fixer: "pattern/null-guard",
        title: `Skip items whose ${value} is null`,
        explanation: `${why}. The patch filters those items out of the stream before \`${call!.childForFieldName("name")?.text}\`.`,
        edits: [{ start: receiver.endIndex, end: receiver.endIndex, text: `.filter(${param} -> ${value} != null)` }],
      },
    ];
  }
  return [];
}

/** Null-guard proposals for the failing line. */
export function proposeNullGuards(site: Site): Proposal[] {
  const stmt = statementAt(site);
  if (!stmt) return [];
  const { use } = site.signal;
  const accesses =
    use === "iterate" || use === "operand"
      ? valueUses(site, stmt)
      : use === "argument"
        ? passedArguments(site, stmt)
        : failingAccesses(site, stmt);
  return accesses.slice(0, 2).flatMap((a) => guardAccess(site, stmt, a));
}

/** Values iterated over (`for x in <value>`) or used as an operand (`a + <value>`) on the line. */
function valueUses(site: Site, stmt: Node): Access[] {
  const nodes = nodesOnRow(site, stmt);
  const out: Access[] = [];
  for (const n of nodes) {
    if (site.signal.use === "iterate") {
      const iterable = /for/.test(n.type) ? (n.childForFieldName("right") ?? n.childForFieldName("value")) : null;
      if (iterable) out.push({ node: n, object: iterable, use: "member" });
    } else if (/binary|augmented/.test(n.type)) {
      const side = n.childForFieldName(site.signal.operand ?? "right");
      if (side) out.push({ node: n, object: side, use: "member" });
    }
  }
  return out;
}
