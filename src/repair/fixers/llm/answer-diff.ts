/**
 * Turns a model's answer into file edits: the unified diff is taken from ```diff code blocks (or
 * any fenced block holding `---`/`+++`/`@@` lines, or the raw text), every path is checked to stay
 * inside the repository, and the hunks are applied in memory to the files of the base. Creating,
 * deleting or renaming files, and hunks that do not apply, are refused with an LlmError.
 */
import { readFile } from "node:fs/promises";
import { resolve, sep } from "node:path";
import type { FileEdit } from "../../fixer.js";
import { applyFileDiff, DiffApplyError, parseUnifiedDiff } from "../../unified-diff.js";
import { LlmError } from "./llm-error.js";

const FENCE = /```[^\n`]*\n([\s\S]*?)```/g;
const looksLikeDiff = (text: string) => /^--- /m.test(text) && /^\+\+\+ /m.test(text) && /^@@ /m.test(text);

/** The diff in `answer` and the prose around it. */
export function extractDiff(answer: string): { diff: string; prose: string } {
  const blocks = [...answer.matchAll(FENCE)].filter((m) => looksLikeDiff(m[1]!));
  if (blocks.length) {
    const prose = blocks.reduce((text, m) => text.replace(m[0], ""), answer);
    return { diff: blocks.map((m) => m[1]!).join("\n"), prose: prose.trim() };
  }
  if (!looksLikeDiff(answer)) throw new LlmError(`the model's answer holds no unified diff: ${answer.slice(0, 200)}`);
  const start = answer.search(/^(diff --git |--- )/m);
  return { diff: answer.slice(start), prose: answer.slice(0, start).trim() };
}

/** Refuses absolute paths, `..`, `.git` and anything resolving outside `root`. */
function checkedPath(root: string, path: string): string {
  const bad =
    path.startsWith("/") ||
    /^[A-Za-z]:/.test(path) ||
    path.includes("\\") ||
    path.split("/").some((part) => part === ".." || part === ".git") ||
    !resolve(root, path).startsWith(root + sep);
  if (bad) throw new LlmError(`the model's diff touches ${path}, outside the repository`);
  return resolve(root, path);
}

/** The edits the diff in `diffText` makes to the files under `repoDir`. */
export async function editsFromDiff(repoDir: string, diffText: string): Promise<FileEdit[]> {
  let files: ReturnType<typeof parseUnifiedDiff>;
  try {
    files = parseUnifiedDiff(diffText);
  } catch (err) {
    throw new LlmError(`the model's diff cannot be read: ${(err as Error).message}`, { cause: err });
  }
  if (files.length === 0) throw new LlmError("the model's answer holds no file diff (--- a/… +++ b/… @@ …)");
  const edits = new Map<string, FileEdit>();
  for (const file of files) {
    if (!file.oldPath || !file.newPath || file.oldPath !== file.newPath)
      throw new LlmError(
        `the model's diff creates, deletes or renames ${file.newPath ?? file.oldPath}; only edits of existing files are accepted`,
      );
    const full = checkedPath(resolve(repoDir), file.oldPath);
    let edit = edits.get(file.oldPath);
    if (!edit) {
      const before = await readFile(full, "utf8").catch(() => {
        throw new LlmError(`the model's diff edits ${file.oldPath}, which is not in the repository`);
      });
      edit = { path: file.oldPath, before, after: before };
      edits.set(file.oldPath, edit);
    }
    try {
      edit.after = applyFileDiff(edit.after, file);
    } catch (err) {
      if (!(err instanceof DiffApplyError)) throw err;
      throw new LlmError(`the model's diff does not apply: ${err.message}`, { cause: err });
    }
  }
  const changed = [...edits.values()].filter((e) => e.after !== e.before);
  if (changed.length === 0) throw new LlmError("the model's diff changes nothing");
  return changed;
}
