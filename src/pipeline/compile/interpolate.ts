/**
 * `${{ reference }}` interpolation, resolved at compile time. Only plain references are allowed:
 * `matrix.X` (trusted: written in the pipeline file itself) and `inputs.X`, `branch`, `commit`,
 * `event`, `base_branch` (untrusted: chosen by whoever pushes or triggers), and `tests.file` (the
 * runner's list of selected test files, in a test step's `run`). Where each may appear
 * is the interpolation lint rule's business; this module finds and substitutes them.
 */
import { parseExpression } from "../expr/parse.js";

/** A `${{ … }}` reference found in a string; `offset` is where `${{` starts. */
export interface InterpolationRef {
  path: string[];
  offset: number;
  /** The full `${{ … }}` text. */
  text: string;
  /** True for values outside the pipeline author's control (inputs, branch, commit, event). */
  untrusted: boolean;
}

/** A malformed interpolation; `offset` points inside the string. */
export interface InterpolationProblem {
  offset: number;
  message: string;
}

/** The values references resolve to for one job (matrix) and one trigger. */
export interface InterpolationValues {
  matrix: Record<string, string>;
  inputs: Record<string, string>;
  branch: string;
  commit: string;
  event: string;
  baseBranch?: string;
}

/** The text that opens an interpolation. */
export const OPEN = "${{";
const ROOTS = new Set(["matrix", "inputs", "branch", "commit", "event", "base_branch"]);
const TESTS_REF = /^\s*tests\.([A-Za-z_][A-Za-z0-9_-]*)\s*$/;

/**
 * What `${{ tests.file }}` becomes in the `run` of a test step: the quoted variable the runner sets
 * to the file listing the selected test files in order (the path never enters the script itself).
 */
export const TESTS_FILE_REFERENCE = '"$PITCREW_TESTS_FILE"';

/** Finds every `${{ … }}` in `text` with its reference, and the malformed ones. */
export function scanInterpolations(text: string): { refs: InterpolationRef[]; problems: InterpolationProblem[] } {
  const refs: InterpolationRef[] = [];
  const problems: InterpolationProblem[] = [];
  let at = text.indexOf(OPEN);
  while (at !== -1) {
    const close = text.indexOf("}}", at + OPEN.length);
    if (close === -1) {
      problems.push({ offset: at, message: `'${OPEN}' is never closed with '}}'` });
      break;
    }
    const inner = text.slice(at + OPEN.length, close);
    const innerAt = at + OPEN.length;
    const testsRef = TESTS_REF.exec(inner);
    const parsed = parseExpression(inner);
    if (testsRef) {
      // `tests.*` is no variable of conditions: it names what the runner hands a test step.
      refs.push({ path: ["tests", testsRef[1]!], offset: at, text: text.slice(at, close + 2), untrusted: false });
    } else if (parsed.error) {
      problems.push({ offset: innerAt + parsed.error.offset, message: `in '\${{${inner}}}': ${parsed.error.message}` });
    } else if (parsed.expr.kind !== "ref" || !ROOTS.has(parsed.expr.path[0]!)) {
      problems.push({
        offset: innerAt + parsed.expr.start,
        message: `'\${{${inner}}}' is not allowed: interpolation takes one of matrix.X, inputs.X, branch, commit, event, base_branch, tests.file`,
      });
    } else {
      const path = parsed.expr.path;
      refs.push({ path, offset: at, text: text.slice(at, close + 2), untrusted: path[0] !== "matrix" });
    }
    at = text.indexOf(OPEN, close + 2);
  }
  return { refs, problems };
}

/** Replaces every valid `${{ … }}` in `text` by its value (unknown names become empty). */
export function interpolate(text: string, values: InterpolationValues): string {
  const { refs } = scanInterpolations(text);
  let out = "";
  let last = 0;
  for (const ref of refs) {
    out += text.slice(last, ref.offset) + resolve(ref.path, values);
    last = ref.offset + ref.text.length;
  }
  return out + text.slice(last);
}

function resolve(path: string[], v: InterpolationValues): string {
  const [root, key = ""] = path;
  if (root === "matrix") return Object.hasOwn(v.matrix, key) ? v.matrix[key]! : "";
  if (root === "inputs") return Object.hasOwn(v.inputs, key) ? v.inputs[key]! : "";
  if (root === "base_branch") return v.baseBranch ?? "";
  if (root === "tests") return key === "file" ? TESTS_FILE_REFERENCE : "";
  return v[root as "branch" | "commit" | "event"];
}
