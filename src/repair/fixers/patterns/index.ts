/**
 * Pattern fixers on syntax trees (web-tree-sitter) for JavaScript/TypeScript, Python, Java and Go:
 * null guards, division by zero, index out of range, missing keys, unparsed input and missing
 * `await`, each a `Fixer` of kind "pattern".
 */
import type { Fixer } from "../../fixer.js";
import { go } from "./go/dialect.js";
import { java } from "./java/dialect.js";
import { javascript } from "./javascript/dialect.js";
import { PatternFixer } from "./pattern-fixer.js";
import { python } from "./python/dialect.js";

export { readFailureSignal, type FailureSignal } from "./failure-signal.js";
export { PatternFixer } from "./pattern-fixer.js";

/** One pattern fixer per language: JavaScript/TypeScript, Python, Java, Go. */
export function patternFixers(): Fixer[] {
  return [javascript, python, java, go].map((d) => new PatternFixer(d));
}
