/** Java as the pattern strategies see it. */
import type { Access, Dialect } from "../dialect.js";
import { descendants } from "../syntax.js";

const FUNCTIONS = new Set(["method_declaration", "constructor_declaration", "lambda_expression"]);

/** The zero value for a return type, undefined for types without an obvious one. */
function zeroOf(type: string): string | null {
  if (type === "void") return null;
  if (/^(int|long|short|byte|double|float|char)$/.test(type)) return "0";
  if (type === "boolean") return "false";
  if (/^Optional</.test(type)) return "Optional.empty()";
  if (/^(List|Collection|Iterable)</.test(type)) return "java.util.List.of()";
  if (/^Set</.test(type)) return "java.util.Set.of()";
  if (/^Map</.test(type)) return "java.util.Map.of()";
  return "null";
}

/** Java. */
export const java: Dialect = {
  name: "java",
  traceLanguage: "java",
  grammars: ["java"],
  functions: FUNCTIONS,
  loops: new Set(["for_statement", "enhanced_for_statement", "while_statement", "do_statement"]),
  blocks: new Set(["block", "constructor_body", "switch_block_statement_group"]),
  simpleStatements: new Set(["expression_statement", "return_statement", "throw_statement"]),
  exitStatements: new Set(["return_statement", "throw_statement"]),
  access(n): Access | undefined {
    if (n.type === "method_invocation") {
      const object = n.childForFieldName("object");
      return object ? { node: n, object, name: n.childForFieldName("name")?.text, use: "call" } : undefined;
    }
    if (n.type === "field_access") {
      const object = n.childForFieldName("object");
      return object ? { node: n, object, name: n.childForFieldName("field")?.text, use: "member" } : undefined;
    }
    if (n.type === "array_access") {
      const object = n.childForFieldName("array");
      return object ? { node: n, object, use: "index", index: n.childForFieldName("index") ?? undefined } : undefined;
    }
    return undefined;
  },
  callName: (n) => (n.type === "method_invocation" ? n.childForFieldName("name")?.text : undefined),
  isStable(n) {
    if (n.type === "identifier" || n.type === "this") return true;
    if (n.type === "field_access") return java.isStable(n.childForFieldName("object")!);
    // `items[i]`: reading it twice gives the same element (no hoist into a `var`, which needs Java 10)
    if (n.type === "array_access")
      return java.isStable(n.childForFieldName("array")!) && java.isStable(n.childForFieldName("index")!);
    if (n.type === "method_invocation")
      return (
        /^(size|length)$/.test(n.childForFieldName("name")?.text ?? "") && java.isStable(n.childForFieldName("object")!)
      );
    return false;
  },
  boundNames(scope) {
    if (scope.type !== "lambda_expression") return [];
    const params = scope.childForFieldName("parameters");
    return params
      ? descendants(params)
          .filter((n) => n.type === "identifier")
          .map((n) => n.text)
      : [];
  },
  loopBody: (loop) => loop.childForFieldName("body") ?? undefined,
  isMissing: (e) => `${e} == null`,
  isZero: (e) => `${e} == 0`,
  outOfRange(seq, index, literal, kind) {
    const size = kind === "array" ? `${seq}.length` : kind === "string" ? `${seq}.length()` : `${seq}.size()`;
    if (literal === 0) return kind === "array" ? `${size} == 0` : `${seq}.isEmpty()`;
    if (literal !== undefined) return `${size} <= ${literal}`;
    return `${index} < 0 || ${index} >= ${size}`;
  },
  guard(cond, body, indent, unit) {
    return `${indent}if (${cond}) {\n${body.map((s) => `${indent}${unit}${s}\n`).join("")}${indent}}\n`;
  },
  statement: (code) => `${code};`,
  declare: (name, expr) => `var ${name} = ${expr};`,
  quote: (text) => JSON.stringify(text),
  returnValue(fn) {
    if (fn.type === "constructor_declaration") return null;
    if (fn.type === "lambda_expression") return undefined;
    const type = fn.childForFieldName("type")?.text;
    return type ? zeroOf(type) : undefined;
  },
  statusOf(n) {
    if (n.type !== "decimal_integer_literal" || !/^4\d\d$/.test(n.text)) return undefined;
    return Number(n.text);
  },
  statusText: (status) => String(status),
  fallbackErrorPath(fn, status) {
    const exchange = fn
      .childForFieldName("parameters")
      ?.namedChildren.find((p) => p?.childForFieldName("type")?.text === "HttpExchange")
      ?.childForFieldName("name")?.text;
    if (!exchange || fn.childForFieldName("type")?.text !== "void") return undefined;
    return [`${exchange}.sendResponseHeaders(${status}, -1);`, "return;"];
  },
};
