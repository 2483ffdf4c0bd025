/**
 * How to leave the failing statement when its input is bad, chosen from the surrounding code:
 * skip the item when it sits in a loop or in a JavaScript `.map()` callback (return null there and
 * filter the nulls out of the mapped array), answer the HTTP handler's error path when it is one,
 * or return early with a value that fits the function (`return;`, `return null`, `return 0` when
 * it returns numbers). Best first; strategies propose one patch per exit.
 */
import type { Node } from "web-tree-sitter";
import { errorPath } from "./http-error-path.js";
import { enclosingFunction, enclosingLoop, type Site, type TextEdit } from "./site.js";

/** One way out, as statements, with words for the patch title. */
export interface Exit {
  statements: string[];
  /** E.g. `skip the item`, `answer 404`, `return 0`. */
  label: string;
  /** Edits elsewhere in the file the exit needs (the `.filter` after a `.map` whose item it skips). */
  edits?: TextEdit[];
}

/** For a JS function passed to `xs.map(…)`: the edit filtering the skipped (null) items out after it. */
function mapSkip(site: Site, fn: Node): TextEdit | undefined {
  if (site.dialect.name !== "javascript" || fn.parent?.type !== "arguments") return undefined;
  const call = fn.parent.parent;
  const callee = call?.type === "call_expression" ? call.childForFieldName("function") : null;
  if (!call || callee?.type !== "member_expression" || callee.childForFieldName("property")?.text !== "map")
    return undefined;
  return { start: call.endIndex, end: call.endIndex, text: ".filter((item) => item !== null)" };
}

/** Why the statement cannot go on: the HTTP status and message for a handler's answer. */
export interface ExitReason {
  status: number;
  message: string;
}

/** The exits available at `stmt`, best first. */
export function exitsAt(site: Site, stmt: Node, reason: ExitReason): Exit[] {
  const { dialect } = site;
  const out: Exit[] = [];
  if (enclosingLoop(site, stmt)) out.push({ statements: [dialect.statement("continue")], label: "skip the item" });
  const fn = enclosingFunction(site, stmt);
  if (!fn) return out;
  const skip = mapSkip(site, fn);
  if (skip) return [...out, { statements: [dialect.statement("return null")], label: "skip the item", edits: [skip] }];
  const http = errorPath(site, fn, reason.status, reason.message);
  if (http) out.push({ statements: http, label: `answer ${reason.status}` });
  const value = dialect.returnValue(fn, site.text);
  if (value !== undefined && !http) {
    const code = value === null ? "return" : `return ${value}`;
    out.push({ statements: [dialect.statement(code)], label: code });
  }
  return out;
}
