/**
 * How to leave the failing statement when its input is bad, chosen from the surrounding code:
 * skip the item when it sits in a loop, answer the HTTP handler's error path when it is one, or
 * return early with a value that fits the function (`return;`, `return null`, `return 0` when
 * it returns numbers). Best first; strategies propose one patch per exit.
 */
import type { Node } from "web-tree-sitter";
import { errorPath } from "./http-error-path.js";
import { enclosingFunction, enclosingLoop, type Site } from "./site.js";

/** One way out, as statements, with words for the patch title. */
export interface Exit {
  statements: string[];
  /** E.g. `skip the item`, `answer 404`, `return 0`. */
  label: string;
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
  const http = errorPath(site, fn, reason.status, reason.message);
  if (http) out.push({ statements: http, label: `answer ${reason.status}` });
  const value = dialect.returnValue(fn, site.text);
  if (value !== undefined && !http) {
    const code = value === null ? "return" : `return ${value}`;
    out.push({ statements: [dialect.statement(code)], label: code });
  }
  return out;
}
