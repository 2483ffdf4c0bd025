/**
 * Input that did not parse (JSON.parse SyntaxError, json.JSONDecodeError, int()/float()
 * ValueError, Integer.parseInt NumberFormatException): the parse on the failing line is put in a
 * try/catch whose handler takes the exit the surrounding code offers — the HTTP handler's 400
 * answer, skipping the item in a loop, or an early return.
 */
import type { Node } from "web-tree-sitter";
import { exitsAt } from "./exits.js";
import { enclosingFunction, frameLabel, fresh, nodesOnRow, type Proposal, type Site, statementAt } from "./site.js";
import { indentAt, indentUnit, lineStartOf, reindent } from "./syntax.js";

const PYTHON_PARSE = /^(json\.loads?|loads?|int|float|Decimal)$/;
const JAVA_PARSE = /^(Integer|Long|Short|Byte|Double|Float)\.(parse\w+|valueOf)$/;
const JAVA_TYPE: Record<string, string> = {
  "Integer.parseInt": "int",
  "Long.parseLong": "long",
  "Short.parseShort": "short",
  "Byte.parseByte": "byte",
  "Double.parseDouble": "double",
  "Float.parseFloat": "float",
};

/** The parse call on the failing line, innermost first. */
function parseCall(site: Site, stmt: Node): Node | undefined {
  const { dialect } = site;
  return nodesOnRow(site, stmt).find((n) => {
    if (dialect.name === "javascript")
      return n.type === "call_expression" && n.childForFieldName("function")?.text === "JSON.parse";
    if (dialect.name === "python")
      return n.type === "call" && PYTHON_PARSE.test(n.childForFieldName("function")?.text ?? "");
    if (dialect.name === "java")
      return (
        n.type === "method_invocation" &&
        JAVA_PARSE.test(`${n.childForFieldName("object")?.text}.${n.childForFieldName("name")?.text}`)
      );
    return false;
  });
}

/** A short name for what was parsed, for messages (`qty` for `params.get("qty")`). */
function inputName(call: Node): string {
  const arg = call.childForFieldName("arguments")?.namedChild(0);
  const words = arg?.text.match(/[A-Za-z_]\w*/g) ?? [];
  const quoted = /["']([\w-]+)["']/.exec(arg?.text ?? "")?.[1];
  return quoted ?? words.at(-1) ?? "input";
}

/** Parse-guard proposals for the failing line. */
export function proposeParseGuards(site: Site): Proposal[] {
  const { dialect, signal } = site;
  const stmt = statementAt(site);
  const call = stmt && parseCall(site, stmt);
  if (!stmt || !call) return [];
  const json = signal.parse === "json";
  const name = inputName(call);
  const message = json ? "request body is not valid JSON" : `${name} must be a number`;
  const why = `${frameLabel(site)} failed with ${signal.summary}: \`${call.text}\` was given input that does not parse`;
  const indent = indentAt(site.text, stmt.startIndex);
  const unit = indentUnit(site.text);
  const start = lineStartOf(site.text, stmt.startIndex);
  if (site.text.slice(start, stmt.startIndex).trim()) return [];
  const out: Proposal[] = [];
  for (const exit of exitsAt(site, stmt, { status: 400, message })) {
    const body = exit.statements.map((s) => `${indent}${unit}${s}\n`).join("");
    let text: string | undefined;
    if (dialect.name === "python") {
      const caught = json && /\bjson\./.test(call.text) ? "json.JSONDecodeError" : "ValueError";
      text = `${indent}try:\n${indent}${unit}${reindent(stmt.text, indent, indent + unit)}\n${indent}except ${caught}:\n${body}`;
    } else {
      const caught = dialect.name === "java" ? ` (NumberFormatException e)` : "";
      const split = splitDeclaration(site, stmt, call);
      const fn = enclosingFunction(site, stmt) ?? site.root;
      const local = split?.name ?? fresh(fn, json ? "parsed" : name.replace(/\W/g, "") || "number");
      const declared = split?.declaration ?? declarationFor(site, call, local);
      if (!declared) continue;
      const rest = split
        ? ""
        : `${indent}${reindent(
            site.text.slice(stmt.startIndex, call.startIndex) + local + site.text.slice(call.endIndex, stmt.endIndex),
            indent,
            indent,
          )}\n`;
      text =
        `${indent}${declared}\n${indent}try {\n${indent}${unit}${local} = ${reindent(call.text, indent, indent + unit)};\n` +
        `${indent}} catch${caught} {\n${body}${indent}}\n${rest}`;
    }
    const end = site.text[stmt.endIndex] === "\n" ? stmt.endIndex + 1 : stmt.endIndex;
    out.push({
      fixer: "pattern/parse-guard",
      title: `Handle unparsable ${json ? "JSON" : name} in ${site.frameFunction ?? "the failing code"} (${exit.label})`,
      explanation: `${why}. The patch catches the parse error and does \`${exit.statements.join(" ")}\` (${exit.label}) instead of failing with an unhandled exception.`,
      edits: [{ start, end, text }, ...(exit.edits ?? [])],
    });
  }
  return out;
}

/** `const x = JSON.parse(s);` → `let x;` + the name, when the declaration's whole value is the call. */
function splitDeclaration(site: Site, stmt: Node, call: Node): { name: string; declaration: string } | undefined {
  const declarators = stmt.namedChildren.filter((c) => c?.type === "variable_declarator");
  const only = declarators.length === 1 ? declarators[0]! : undefined;
  const value = only?.childForFieldName("value");
  const name = only?.childForFieldName("name");
  if (!only || value?.id !== call.id || name?.type !== "identifier") return undefined;
  if (site.dialect.name === "javascript") {
    const keyword = stmt.child(0)?.text === "var" ? "var" : "let";
    return { name: name.text, declaration: `${keyword} ${name.text};` };
  }
  const type = stmt.childForFieldName("type")?.text;
  const resolved = type === "var" ? javaType(call) : type;
  return resolved ? { name: name.text, declaration: `${resolved} ${name.text};` } : undefined;
}

/** The declaration of a fresh local for the parsed value. */
function declarationFor(site: Site, call: Node, local: string): string | undefined {
  if (site.dialect.name === "javascript") return `let ${local};`;
  const type = javaType(call);
  return type ? `${type} ${local};` : undefined;
}

/** The Java type a parse call returns. */
function javaType(call: Node): string | undefined {
  const callee = `${call.childForFieldName("object")?.text}.${call.childForFieldName("name")?.text}`;
  return JAVA_TYPE[callee] ?? (callee.endsWith(".valueOf") ? callee.split(".")[0] : undefined);
}
