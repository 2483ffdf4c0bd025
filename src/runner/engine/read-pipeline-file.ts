/**
 * Reads a run's pipeline file out of the project's mirror, refusing to hold more than the size
 * limit in memory. The usual case is one git process (`cat-file --batch`: type, size and contents,
 * with git's output bounded); a missing file, a non-file or one over the limit is then told apart
 * by the size query alone, as before, so every message stays the same.
 */
import { git } from "../git.js";

/** Room for `cat-file --batch`'s header line (`<sha> blob <size>\n`) and its final newline. */
const HEADER_BYTES = 256;

/** A pipeline file in the mirror: its size in bytes, and its text when it is within the limit. */
export interface PipelineFile {
  size: number;
  /** Absent when `size` is over the limit (the contents were not read). */
  text?: string;
}

/**
 * The file `object` (`<commit>:<path>`) of `mirror`, its text read only when at most `maxBytes`;
 * undefined when there is no such object.
 */
export async function readPipelineFile(
  mirror: string,
  object: string,
  maxBytes: number,
): Promise<PipelineFile | undefined> {
  // one object name per stdin line: a name with a line break goes only through argv below
  if (!/[\n\0]/.test(object)) {
    const out = await git(["cat-file", "--batch"], {
      cwd: mirror,
      input: `${object}\n`,
      maxBytes: maxBytes + HEADER_BYTES,
    }).catch(() => undefined);
    const nl = out?.indexOf("\n") ?? -1;
    if (out !== undefined && nl > 0 && out.endsWith("\n")) {
      const [, type, size] = out.slice(0, nl).split(" ");
      const bytes = Number(size);
      if (type === "blob" && Number.isSafeInteger(bytes) && bytes <= maxBytes) {
        return { size: bytes, text: out.slice(nl + 1, -1) };
      }
    }
  }
  let size: number;
  try {
    size = Number((await git(["cat-file", "-s", object], { cwd: mirror })).trim());
  } catch {
    return undefined;
  }
  if (size > maxBytes) return { size };
  return { size, text: await git(["show", object], { cwd: mirror }) };
}
