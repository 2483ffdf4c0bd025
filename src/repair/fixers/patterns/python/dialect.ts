/** Python as the pattern strategies see it. */
import type { Node } from "web-tree-sitter";
import type { Access, Dialect } from "../dialect.js";
import { ancestors, descendants, ownDescendants } from "../syntax.js";

const FUNCTIONS = new Set(["function_definition", "lambda"]);
const NUMERIC = /^(int|float|Decimal|complex)$/;

/** Kind of value an expression yields, for choosing an early return's value. */
function valueKind(n: Node): string {
  if (n.type === "integer" || n.type === "float") return "0";
  if (n.type === "binary_operator" && /^[-*/%]|\/\/$/.test(n.childForFieldName("operator")?.text ?? "")) return "0";
  if (/^(len|sum|round|int|float|abs|max|min)\(/.test(n.text)) return "0";
  if (n.type === "string") return '""';
  if (n.type === "list" || n.type === "list_comprehension") return "[]";
  if (n.type === "true" || n.type === "false") return "False";
  return "None";
}

/** Python. */
export const python: Dialect = {
  name: "python",
  traceLanguage: "python",
  grammars: ["python"],
  functions: FUNCTIONS,
  loops: new Set(["for_statement", "while_statement"]),
  blocks: new Set(["block", "module"]),
  simpleStatements: new Set(["expression_statement", "return_statement", "raise_statement"]),
  exitStatements: new Set(["return_statement", "raise_statement"]),
  access(n): Access | undefined {
    if (n.type === "attribute") {
      const object = n.childForFieldName("object");
      const call = n.parent?.type === "call" && n.parent.childForFieldName("function")?.id === n.id;
      return object
        ? { node: n, object, name: n.childForFieldName("attribute")?.text, use: call ? "call" : "member" }
        : undefined;
    }
    if (n.type === "subscript") {
      const object = n.childForFieldName("value");
      const index = n.childForFieldName("subscript") ?? undefined;
      return object ? { node: n, object, use: "index", index } : undefined;
    }
    return undefined;
  },
  callName(n) {
    if (n.type !== "call") return undefined;
    const f = n.childForFieldName("function");
    return f?.type === "attribute" ? f.childForFieldName("attribute")?.text : f?.text;
  },
  isStable(n) {
    if (n.type === "identifier") return true;
    if (n.type === "attribute") return python.isStable(n.childForFieldName("object")!);
    if (n.type === "subscript")
      return (
        python.isStable(n.childForFieldName("value")!) &&
        /^(identifier|string|integer)$/.test(n.childForFieldName("subscript")?.type ?? "")
      );
    return n.type === "call" && n.childForFieldName("function")?.text === "len";
  },
  boundNames(scope) {
    if (scope.type === "lambda") {
      const params = scope.childForFieldName("parameters");
      return params
        ? descendants(params)
            .filter((n) => n.type === "identifier")
            .map((n) => n.text)
        : [];
    }
    if (/comprehension|generator_expression/.test(scope.type))
      return scope.namedChildren
        .filter((c) => c?.type === "for_in_clause")
        .flatMap((c) =>
          descendants(c!.childForFieldName("left")!)
            .filter((n) => n.type === "identifier")
            .map((n) => n.text),
        );
    return [];
  },
  loopBody: (loop) => loop.childForFieldName("body") ?? undefined,
  isMissing: (e) => `${e} is None`,
  isZero: (e) => (/^len\(/.test(e) ? `not ${e.slice(4, -1)}` : `${e} == 0`),
  outOfRange(seq, index, literal) {
    if (literal === 0 || literal === -1) return `not ${seq}`;
    if (literal !== undefined) return literal >= 0 ? `len(${seq}) <= ${literal}` : `len(${seq}) < ${-literal}`;
    return `${index} >= len(${seq})`;
  },
  guard: (cond, body, indent, unit) => `${indent}if ${cond}:\n${body.map((s) => `${indent}${unit}${s}\n`).join("")}`,
  statement: (code) => code,
  declare: (name, expr) => `${name} = ${expr}`,
  quote: (text) => JSON.stringify(text),
  returnValue(fn) {
    const annotation = fn.childForFieldName("return_type")?.text;
    if (annotation) {
      if (annotation === "None") return null;
      if (NUMERIC.test(annotation)) return "0";
      if (annotation === "str") return '""';
      if (annotation === "bool") return "False";
      if (/^(list|List)\b/.test(annotation)) return "[]";
      if (/^(dict|Dict)\b/.test(annotation)) return "{}";
      return "None";
    }
    const returns = ownDescendants(fn.childForFieldName("body") ?? fn, FUNCTIONS)
      .filter((n) => n.type === "return_statement")
      .map((r) => r.namedChild(0))
      .filter((v): v is Node => v !== null);
    if (returns.length === 0) return null;
    return returns.map(valueKind).find((k) => k !== "None") ?? "None";
  },
  statusOf(n) {
    if (n.type !== "integer" || !/^4\d\d$/.test(n.text)) return undefined;
    return Number(n.text);
  },
  statusText: (status) => String(status),
  fallbackErrorPath(fn, status, message) {
    const cls = ancestors(fn).find((a) => a.type === "class_definition");
    const params = fn.childForFieldName("parameters")?.text ?? "";
    if (cls && /^\(self\b/.test(params) && /send_response|send_error|BaseHTTPRequestHandler/.test(cls.text))
      return [`self.send_error(${status}, ${JSON.stringify(message)})`, "return"];
    const decorated = fn.parent?.type === "decorated_definition" ? fn.parent.text : "";
    if (/@\w+\.(route|get|post|put|delete|patch)\(/.test(decorated))
      return [`return {"error": ${JSON.stringify(message)}}, ${status}`];
    return undefined;
  },
};
