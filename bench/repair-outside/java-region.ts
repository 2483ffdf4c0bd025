/**
 * Where two patches of the same buggy file touch it: the lines of the buggy file each one changes
 * (a removed or replaced line, or the line an insertion comes before), read from unified diffs,
 * and whether a proven patch lands within a few lines of the developer's fix (`same-region`).
 */

/** Changed lines of the buggy file, per repository-relative path. */
export type ChangedLines = Map<string, number[]>;

/**
 * The buggy file's changed lines in `diff`. `buggySide` says which side of the diff is the buggy
 * file: "old" for a fixer's patch (buggy → patched), "new" for Defects4J's src.patch (fixed → buggy).
 */
export function changedLines(diff: string, buggySide: "old" | "new"): ChangedLines {
  const out: ChangedLines = new Map();
  let lines: number[] | undefined;
  let at = 0;
  const buggyMark = buggySide === "old" ? "-" : "+";
  const otherMark = buggySide === "old" ? "+" : "-";
  for (const line of diff.split("\n")) {
    const file = /^diff --git a\/(\S+) b\/\S+$/.exec(line);
    if (file) {
      lines = out.get(file[1]!) ?? [];
      out.set(file[1]!, lines);
      continue;
    }
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      at = Number(buggySide === "old" ? hunk[1] : hunk[2]);
      continue;
    }
    if (!lines || line.startsWith("---") || line.startsWith("+++")) continue;
    if (line.startsWith(buggyMark)) lines.push(at++);
    else if (line.startsWith(otherMark)) lines.push(at);
    else if (line.startsWith(" ")) at++;
  }
  return out;
}

/** How far (in lines) a patch may be from the developer's change and still be in its region. */
export const REGION_LINES = 3;

/** True when `patch` changes a file `fix` changes within REGION_LINES lines of one of its changes. */
export function sameRegion(patch: ChangedLines, fix: ChangedLines): boolean {
  for (const [file, lines] of patch) {
    const theirs = fix.get(file) ?? [];
    if (lines.some((l) => theirs.some((t) => Math.abs(l - t) <= REGION_LINES))) return true;
  }
  return false;
}

/** `file:line` of the first change of a patch, for reports. */
export function firstChange(lines: ChangedLines): string | undefined {
  for (const [file, at] of lines) if (at.length) return `${file}:${Math.min(...at)}`;
  return undefined;
}
