/** JavaScript and TypeScript (tsx too) as the pattern strategies see them. */
import type { Node } from "web-tree-sitter";
import type { Access, Dialect } from "../dialect.js";
import { descendants, ownDescendants } from "../syntax.js";

const FUNCTIONS = new Set([
  "function_declaration",
  "function_expression",
  "function",
  "arrow_function",
  "method_definition",
  "generator_function_declaration",
]);

/** Kind of value an expression yields, for choosing an early return's value. */
function valueKind(n: Node): string {
  if (n.type === "number" || (n.type === "binary_expression" && /^[-*/%]$/.test(n.child(1)?.text ?? ""))) return "0";
  if (/\.length$|^Math\.|^Number\(|^parseInt\(|^parseFloat\(/.test(n.text)) return "0";
  if (n.type === "string" || n.type === "template_string") return '""';
  if (n.type === "array") return "[]";
  if (n.type === "true" || n.type === "false") return "false";
  return "null";
}

/** The return value from a TypeScript return type annotation, undefined when there is none. */
function fromAnnotation(fn: Node): string | null | undefined {
  const type = fn
    .childForFieldName("return_type")
    ?.text.replace(/^:\s*/, "")
    .replace(/^Promise<(.*)>$/, "$1");
  if (!type) return undefined;
  if (type === "void" || type === "undefined") return null;
  if (type === "number" || type === "bigint") return "0";
  if (type === "string") return '""';
  if (type === "boolean") return "false";
  if (/\[\]$|^Array</.test(type)) return "[]";
  if (/\bnull\b/.test(type)) return "null";
  if (/\bundefined\b/.test(type)) return "undefined";
  return undefined;
}

/** JavaScript/TypeScript. */
export const javascript: Dialect = {
  name: "javascript",
  traceLanguage: "node",
  grammars: ["javascript", "typescript", "tsx"],
  functions: FUNCTIONS,
  loops: new Set(["for_statement", "for_in_statement", "while_statement", "do_statement"]),
  blocks: new Set(["statement_block", "program", "switch_case", "switch_default"]),
  simpleStatements: new Set(["expression_statement", "return_statement", "throw_statement"]),
  exitStatements: new Set(["return_statement", "throw_statement"]),
  access(n: Node): Access | undefined {
    if (n.type === "member_expression") {
      const object = n.childForFieldName("object");
      const name = n.childForFieldName("property")?.text;
      const call = n.parent?.type === "call_expression" && n.parent.childForFieldName("function")?.id === n.id;
      return object ? { node: n, object, name, use: call ? "call" : "member" } : undefined;
    }
    if (n.type === "subscript_expression") {
      const object = n.childForFieldName("object");
      const index = n.childForFieldName("index") ?? undefined;
      const key = index?.type === "string" ? index.text.slice(1, -1) : undefined;
      return object ? { node: n, object, name: key, use: "index", index } : undefined;
    }
    return undefined;
  },
  callName(n) {
    if (n.type !== "call_expression") return undefined;
    const f = n.childForFieldName("function");
    return f?.type === "member_expression" ? f.childForFieldName("property")?.text : f?.text;
  },
  isStable(n) {
    if (n.type === "identifier" || n.type === "this") return true;
    if (n.type === "member_expression") return javascript.isStable(n.childForFieldName("object")!);
    if (n.type === "subscript_expression")
      return (
        javascript.isStable(n.childForFieldName("object")!) &&
        /^(identifier|string|number)$/.test(n.childForFieldName("index")?.type ?? "")
      );
    return n.type === "parenthesized_expression" && javascript.isStable(n.namedChild(0)!);
  },
  boundNames(scope) {
    if (!FUNCTIONS.has(scope.type)) return [];
    const params = scope.childForFieldName("parameters") ?? scope.childForFieldName("parameter");
    return params
      ? descendants(params)
          .filter((n) => /identifier/.test(n.type))
          .map((n) => n.text)
      : [];
  },
  loopBody: (loop) => loop.childForFieldName("body") ?? undefined,
  isMissing: (e) => `${e} == null`,
  isZero: (e) => `${e} === 0`,
  outOfRange(seq, index, literal) {
    if (literal === 0) return `${seq}.length === 0`;
    return literal !== undefined ? `${seq}.length <= ${literal}` : `${index} >= ${seq}.length`;
  },
  guard(cond, body, indent, unit) {
    if (body.length === 1) return `${indent}if (${cond}) ${body[0]}\n`;
    return `${indent}if (${cond}) {\n${body.map((s) => `${indent}${unit}${s}\n`).join("")}${indent}}\n`;
  },
  statement: (code) => `${code};`,
  declare: (name, expr) => `const ${name} = ${expr};`,
  quote: (text) => JSON.stringify(text),
  returnValue(fn) {
    const annotated = fromAnnotation(fn);
    if (annotated !== undefined) return annotated;
    if (fn.type === "arrow_function" && fn.childForFieldName("body")?.type !== "statement_block")
      return valueKind(fn.childForFieldName("body")!);
    const returns = ownDescendants(fn.childForFieldName("body") ?? fn, FUNCTIONS)
      .filter((n) => n.type === "return_statement")
      .map((r) => r.namedChild(0))
      .filter((v): v is Node => v !== null);
    if (returns.length === 0) return null;
    const kinds = returns.map(valueKind);
    return kinds.find((k) => k !== "null") ?? "null";
  },
  statusOf(n) {
    if (n.type !== "number" || !/^4\d\d$/.test(n.text)) return undefined;
    return Number(n.text);
  },
  statusText: (status) => String(status),
  fallbackErrorPath(fn, status, message) {
    const params = javascript.boundNames(fn);
    const res = params.find((p) => /^(res|response|reply)$/.test(p));
    if (!res) return undefined;
    return [
      `${res}.statusCode = ${status};`,
      `return ${res}.end(JSON.stringify({ error: ${JSON.stringify(message)} }));`,
    ];
  },
};
