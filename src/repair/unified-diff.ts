/**
 * Unified diffs of whole-file edits, in the `diff --git` form `git apply` accepts: three lines of
 * context, hunks merged when their contexts touch, `\ No newline at end of file` where a side
 * lacks the final newline. Lines are compared exactly (no whitespace folding).
 */
import type { FileEdit } from "./fixer.js";

const CONTEXT = 3;

/** One line of a diff: kept (` `), removed (`-`) or added (`+`). */
export interface DiffLine {
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

/** One hunk of a parsed diff: the old side's start line (1-based) and its lines with their op. */
export interface ParsedHunk {
  oldStart: number;
  lines: DiffLine[];
}

/** One file of a parsed diff; a side is undefined for `/dev/null` (a created or deleted file). */
export interface ParsedFileDiff {
  oldPath?: string;
  newPath?: string;
  hunks: ParsedHunk[];
}

/** A diff that cannot be read, or does not apply to the text it is meant for. */
export class DiffApplyError extends Error {
  override name = "DiffApplyError";
}

/** The path of a `---`/`+++` header without its `a/`/`b/` prefix and trailing tab/date; undefined for /dev/null. */
function headerPath(rest: string): string | undefined {
  const path = rest.split("\t")[0]!.trim();
  if (path === "/dev/null") return undefined;
  if (path.startsWith('"')) throw new DiffApplyError(`quoted path ${path} in the diff is not supported`);
  return path.replace(/^[ab]\//, "");
}

/**
 * Reads a unified diff (`git diff` or plain `diff -u` form). Lenient where hand-written and
 * model-written diffs usually slip: hunk line counts are recounted from the lines, a blank line
 * inside a hunk is an empty context line, and text around the diff is skipped.
 */
export function parseUnifiedDiff(text: string): ParsedFileDiff[] {
  const files: ParsedFileDiff[] = [];
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  let file: ParsedFileDiff | undefined;
  let hunk: ParsedHunk | undefined;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!;
    if (line.startsWith("--- ") && lines[k + 1]?.startsWith("+++ ")) {
      file = { oldPath: headerPath(line.slice(4)), newPath: headerPath(lines[k + 1]!.slice(4)), hunks: [] };
      files.push(file);
      hunk = undefined;
      k++;
      continue;
    }
    const head = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(line);
    if (head && file) {
      hunk = { oldStart: Number(head[1]), lines: [] };
      file.hunks.push(hunk);
      continue;
    }
    if (!hunk) continue;
    const op = line[0];
    if (op === " " || op === "-" || op === "+") hunk.lines.push({ op, text: line.slice(1), noEol: false });
    else if (line.startsWith("\\") && hunk.lines.length) hunk.lines.at(-1)!.noEol = true;
    else if (line === "" && /^[ +-]/.test(lines[k + 1] ?? "") && !lines[k + 1]!.startsWith("--- "))
      hunk.lines.push({ op: " ", text: "", noEol: false });
    else hunk = undefined;
  }
  for (const f of files)
    if (f.hunks.length === 0 || f.hunks.some((h) => h.lines.every((l) => l.op === " ")))
      throw new DiffApplyError(`the diff of ${f.newPath ?? f.oldPath ?? "a file"} has a hunk without changes`);
  return files;
}

/** Where `old` occurs in `lines`: the position nearest `hint` at or after `from`, or -1. */
function locate(lines: readonly string[], old: readonly string[], hint: number, from: number): number {
  const fits = (at: number) =>
    at >= from && at + old.length <= lines.length && old.every((l, i) => lines[at + i] === l);
  for (let d = 0; d <= Math.max(hint, lines.length); d++) {
    if (fits(hint + d)) return hint + d;
    if (d > 0 && fits(hint - d)) return hint - d;
  }
  return -1;
}

/**
 * Applies one file's hunks to `text` and returns the new text. Each hunk's old side (context and
 * removed lines) must occur exactly, nearest its stated line and after the previous hunk; else a
 * DiffApplyError names the hunk.
 */
export function applyFileDiff(text: string, diff: ParsedFileDiff): string {
  const { lines, finalNewline } = splitLines(text);
  const out: string[] = [];
  let pos = 0;
  let shift = 0;
  let eol = finalNewline;
  for (const hunk of diff.hunks) {
    const old = hunk.lines.filter((l) => l.op !== "+").map((l) => l.text);
    const added = hunk.lines.filter((l) => l.op !== "-");
    const at =
      old.length === 0
        ? Math.min(lines.length, hunk.oldStart + shift)
        : locate(lines, old, hunk.oldStart - 1 + shift, pos);
    if (at < 0)
      throw new DiffApplyError(
        `hunk @@ -${hunk.oldStart} of ${diff.oldPath ?? diff.newPath} does not apply: its lines are not in the file`,
      );
    out.push(...lines.slice(pos, at), ...added.map((l) => l.text));
    pos = at + old.length;
    if (old.length) shift = at - (hunk.oldStart - 1);
    if (pos === lines.length && added.length) eol = !added.at(-1)!.noEol;
  }
  out.push(...lines.slice(pos));
  return out.length === 0 ? "" : out.join("\n") + (eol ? "\n" : "");
}
