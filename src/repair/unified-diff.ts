/**
 * Unified diffs of whole-file edits, in the `diff --git` form `git apply` accepts: three lines of
 * context, hunks merged when their contexts touch, `\ No newline at end of file` where a side
 * lacks the final newline. Lines are compared exactly (no whitespace folding).
 */
import type { FileEdit } from "./fixer.js";

const CONTEXT = 3;

/** One line of a diff: kept (` `), removed (`-`) or added (`+`). */
interface DiffLine {
  op: " " | "-" | "+";
  text: string;
  /** True for the last line of a side that has no final newline. */
  noEol: boolean;
}

/** Splits a text into lines, remembering whether the last one ends with a newline. */
function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text === "") return { lines: [], finalNewline: true };
  const finalNewline = text.endsWith("\n");
  const lines = (finalNewline ? text.slice(0, -1) : text).split("\n");
  return { lines, finalNewline };
}

/** Longest-common-subsequence edit script of the lines between a common prefix and suffix. */
function editScript(a: string[], b: string[]): DiffLine[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  // lcs[i][j] = LCS length of a[start+i..endA) and b[start+j..endB)
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[start + i] === b[start + j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = a.slice(0, start).map((text) => ({ op: " ", text, noEol: false }));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      out.push({ op: " ", text: a[start + i]!, noEol: false });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push({ op: "-", text: a[start + i]!, noEol: false });
      i++;
    } else {
      out.push({ op: "+", text: b[start + j]!, noEol: false });
      j++;
    }
  }
  for (const text of a.slice(endA)) out.push({ op: " ", text, noEol: false });
  return out;
}

/** Marks the last line of each side that lacks a final newline (splitting a shared last line). */
function markMissingNewlines(script: DiffLine[], aEol: boolean, bEol: boolean): DiffLine[] {
  if (aEol && bEol) return script;
  const lastA = script.findLastIndex((l) => l.op !== "+");
  const lastB = script.findLastIndex((l) => l.op !== "-");
  const out = script.map((l) => ({ ...l }));
  if (lastA >= 0 && lastA === lastB && aEol !== bEol) {
    // the same text, but one side ends with a newline and the other not: a change after all
    const shared = out[lastA]!;
    out.splice(lastA, 1, { op: "-", text: shared.text, noEol: !aEol }, { op: "+", text: shared.text, noEol: !bEol });
    return out;
  }
  if (!aEol && lastA >= 0) out[lastA]!.noEol = true;
  if (!bEol && lastB >= 0) out[lastB]!.noEol = true;
  return out;
}

/** Groups changed lines into hunks with context; returns the hunk texts. */
function hunks(script: DiffLine[]): string[] {
  const changed = script.flatMap((l, k) => (l.op === " " ? [] : [k]));
  if (changed.length === 0) return [];
  const groups: [number, number][] = [];
  for (const k of changed) {
    const last = groups.at(-1);
    if (last && k - last[1] <= 2 * CONTEXT) last[1] = k;
    else groups.push([k, k]);
  }
  const out: string[] = [];
  for (const [first, last] of groups) {
    const from = Math.max(0, first - CONTEXT);
    const to = Math.min(script.length - 1, last + CONTEXT);
    let oldLine = 1;
    let newLine = 1;
    for (const l of script.slice(0, from)) {
      if (l.op !== "+") oldLine++;
      if (l.op !== "-") newLine++;
    }
    const body = script.slice(from, to + 1);
    const oldCount = body.filter((l) => l.op !== "+").length;
    const newCount = body.filter((l) => l.op !== "-").length;
    const range = (start: number, count: number) => `${count === 0 ? start - 1 : start},${count}`;
    const lines = body.map((l) => `${l.op}${l.text}\n${l.noEol ? "\\ No newline at end of file\n" : ""}`);
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@\n${lines.join("")}`);
  }
  return out;
}

/** The unified diff of one file's edit, or "" when before and after are equal. */
export function fileDiff(edit: FileEdit): string {
  if (edit.before === edit.after) return "";
  const a = splitLines(edit.before);
  const b = splitLines(edit.after);
  const script = markMissingNewlines(editScript(a.lines, b.lines), a.finalNewline, b.finalNewline);
  const header = `diff --git a/${edit.path} b/${edit.path}\n--- a/${edit.path}\n+++ b/${edit.path}\n`;
  return header + hunks(script).join("");
}

/** The unified diff of several files' edits, in the given order (a patch's `diff`). */
export function unifiedDiff(edits: readonly FileEdit[]): string {
  return edits.map(fileDiff).join("");
}

/** The unified diff creating the file `path` with `text` (`new file mode`, from /dev/null). */
export function newFileDiff(path: string, text: string): string {
  const { lines, finalNewline } = splitLines(text);
  const body = lines.map(
    (l, k) => `+${l}\n${k === lines.length - 1 && !finalNewline ? "\\ No newline at end of file\n" : ""}`,
  );
  return `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${lines.length} @@\n${body.join("")}`;
}
