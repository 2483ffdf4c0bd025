/** Go as the pattern strategies see it. */
import type { Node } from "web-tree-sitter";
import type { Access, Dialect } from "../dialect.js";

const STATUS: Record<number, string> = {
  400: "StatusBadRequest",
  401: "StatusUnauthorized",
  403: "StatusForbidden",
  404: "StatusNotFound",
  409: "StatusConflict",
  422: "StatusUnprocessableEntity",
};
const NUMBER = /^(u?int(8|16|32|64)?|float(32|64)|byte|rune|uintptr|complex(64|128))$/;

/** The zero value of a Go type, as an expression. */
function zeroOf(type: Node, message: string, root: Node): string {
  const text = type.text;
  if (NUMBER.test(text)) return "0";
  if (text === "string") return '""';
  if (text === "bool") return "false";
  if (text === "error") {
    const fmt = /"fmt"/.test(root.text);
    return fmt ? `fmt.Errorf(${JSON.stringify(message)})` : `errors.New(${JSON.stringify(message)})`;
  }
  if (/^(pointer_type|slice_type|map_type|interface_type|function_type|channel_type)$/.test(type.type)) return "nil";
  return `*new(${text})`;
}

/** Go. */
export const go: Dialect = {
  name: "go",
  traceLanguage: "go",
  grammars: ["go"],
  functions: new Set(["function_declaration", "method_declaration", "func_literal"]),
  loops: new Set(["for_statement"]),
  blocks: new Set(["block", "statement_list", "expression_case", "default_case"]),
  simpleStatements: new Set(["expression_statement", "return_statement"]),
  exitStatements: new Set(["return_statement"]),
  access(n): Access | undefined {
    if (n.type === "selector_expression") {
      const object = n.childForFieldName("operand");
      const call = n.parent?.type === "call_expression" && n.parent.childForFieldName("function")?.id === n.id;
      return object
        ? { node: n, object, name: n.childForFieldName("field")?.text, use: call ? "call" : "member" }
        : undefined;
    }
    if (n.type === "index_expression") {
      const object = n.childForFieldName("operand");
      return object ? { node: n, object, use: "index", index: n.childForFieldName("index") ?? undefined } : undefined;
    }
    return undefined;
  },
  callName(n) {
    if (n.type !== "call_expression") return undefined;
    const f = n.childForFieldName("function");
    return f?.type === "selector_expression" ? f.childForFieldName("field")?.text : f?.text;
  },
  isStable(n) {
    if (n.type === "identifier") return true;
    if (n.type === "selector_expression") return go.isStable(n.childForFieldName("operand")!);
    if (n.type === "index_expression")
      return (
        go.isStable(n.childForFieldName("operand")!) &&
        /^(identifier|int_literal|interpreted_string_literal)$/.test(n.childForFieldName("index")?.type ?? "")
      );
    return n.type === "call_expression" && n.childForFieldName("function")?.text === "len";
  },
  boundNames: () => [],
  loopBody: (loop) => loop.childForFieldName("body") ?? undefined,
  isMissing: (e) => `${e} == nil`,
  isZero: (e) => `${e} == 0`,
  outOfRange(seq, index, literal) {
    if (literal === 0) return `len(${seq}) == 0`;
    return literal !== undefined ? `len(${seq}) <= ${literal}` : `${index} < 0 || ${index} >= len(${seq})`;
  },
  guard: (cond, body, indent, unit) =>
    `${indent}if ${cond} {\n${body.map((s) => `${indent}${unit}${s}\n`).join("")}${indent}}\n`,
  statement: (code) => code,
  declare: (name, expr) => `${name} := ${expr}`,
  quote: (text) => JSON.stringify(text),
  returnValue(fn) {
    const result = fn.childForFieldName("result");
    if (!result) return null;
    const types =
      result.type === "parameter_list"
        ? result.namedChildren.flatMap((p) => {
            const type = p?.childForFieldName("type");
            const names = p?.namedChildren.filter((c) => c?.type === "identifier").length ?? 0;
            return type ? Array(Math.max(1, names)).fill(type) : [];
          })
        : [result];
    let root = fn;
    while (root.parent) root = root.parent;
    return types.map((t: Node) => zeroOf(t, "invalid input", root)).join(", ");
  },
  statusOf(n) {
    if (n.type === "int_literal" && /^4\d\d$/.test(n.text)) return Number(n.text);
    if (n.type !== "selector_expression" || n.childForFieldName("operand")?.text !== "http") return undefined;
    const name = n.childForFieldName("field")?.text;
    const found = Object.entries(STATUS).find(([, v]) => v === name);
    return found ? Number(found[0]) : undefined;
  },
  statusText: (status, example) =>
    example.type === "int_literal" || !STATUS[status] ? String(status) : `http.${STATUS[status]}`,
  fallbackErrorPath(fn, status, message) {
    const params = fn.childForFieldName("parameters")?.namedChildren ?? [];
    const writer = params.find((p) => p?.childForFieldName("type")?.text === "http.ResponseWriter");
    const w = writer?.childForFieldName("name")?.text;
    if (!w || fn.childForFieldName("result")) return undefined;
    const code = STATUS[status] ? `http.${STATUS[status]}` : String(status);
    return [`http.Error(${w}, ${JSON.stringify(message)}, ${code})`, "return"];
  },
};
