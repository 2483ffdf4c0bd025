/**
 * What the pattern strategies need to know about one language: its node types, how to read an
 * access (`a.b`, `a[i]`, `a.f()`), and how to write conditions, guards, exits and declarations in
 * it. One implementation per language folder (`javascript/`, `python/`, `java/`, `go/`).
 */
import type { Node } from "web-tree-sitter";
import type { Language } from "../../../diagnose/index.js";
import type { Grammar } from "./tree-sitter.js";

/** A read of something on a value: `.name`, `[index]` or a call of a method on it. */
export interface Access {
  node: Node;
  /** The value read from (the one that was missing). */
  object: Node;
  /** Property, attribute, field or method name. */
  name?: string;
  use: "member" | "call" | "index";
  /** For index accesses: the index node. */
  index?: Node;
}

/** A language as the pattern strategies see it. */
export interface Dialect {
  readonly name: "javascript" | "python" | "java" | "go";
  /** The trace language (`ParsedTrace.language`) this dialect fixes. */
  readonly traceLanguage: Language;
  readonly grammars: readonly Grammar[];
  /** Node types of functions, loops, and statement containers (blocks). */
  readonly functions: ReadonlySet<string>;
  readonly loops: ReadonlySet<string>;
  readonly blocks: ReadonlySet<string>;
  /** Node types of plain (non-compound) statements that may serve as an error-path example. */
  readonly simpleStatements: ReadonlySet<string>;
  /** Node types of statements that leave the block (`return`, `throw`, `raise`). */
  readonly exitStatements: ReadonlySet<string>;
  /** Reads `node` as an access, undefined when it is none. */
  access(node: Node): Access | undefined;
  /** The callee's short name when `node` is a call (`find` for `repo.find(x)`). */
  callName(node: Node): string | undefined;
  /** True for identifiers, `this`/`self`, and member chains of them: safe to evaluate twice. */
  isStable(node: Node): boolean;
  /** Declarations of names inside `scope` that bind per call or per iteration (parameters, loop variables). */
  boundNames(scope: Node): string[];
  /** The loop's body node (the statements it repeats). */
  loopBody(loop: Node): Node | undefined;
  /** Conditions. */
  isMissing(expr: string): string;
  isZero(expr: string): string;
  /** Condition true when `seq[index]` is out of range; `literal` is the index when it is a number literal. */
  outOfRange(seq: string, index: string, literal: number | undefined, kind: "array" | "list" | "string"): string;
  /** `if cond { body }` as lines at `indent` (body lines are statements without indentation). */
  guard(cond: string, body: string[], indent: string, unit: string): string;
  /** A statement from an expression or keyword (adds `;` where the language wants one). */
  statement(code: string): string;
  /** A local declaration `name = expr`. */
  declare(name: string, expr: string): string;
  /** A string literal. */
  quote(text: string): string;
  /** The value an early `return` should give in `fn` (`null` = bare `return`), undefined when none fits. */
  returnValue(fn: Node, text: string): string | null | undefined;
  /** A 4xx status the node writes (`404`, Go `http.StatusNotFound`), undefined otherwise. */
  statusOf(node: Node): number | undefined;
  /** The node text for a status in the style of `example` (a literal or a named constant). */
  statusText(status: number, example: Node): string;
  /** When `fn` is an HTTP handler: its error path with no example to copy, as statements. */
  fallbackErrorPath(fn: Node, status: number, message: string): string[] | undefined;
}
