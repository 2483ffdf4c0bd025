import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { open } from "node:fs/promises";

/**
 * Flags for reading a file of an untrusted checkout or job output: a symlink is not followed
 * (`/dev/zero` or a server secret behind a link), and opening a FIFO does not block.
 */
const SAFE_READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * The file's text, or undefined when it is not a regular file (a symlink, device or FIFO), is
 * larger than `max` bytes or cannot be read. Synchronous: for the many small files of a checkout
 * one syscall each beats the thread pool's round trips; callers read in batches and yield to the
 * event loop between them.
 */
export function readBounded(path: string, max: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, SAFE_READ);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > max) return undefined;
    return readFileSync(fd, "utf8");
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `readBounded` for larger files, off the event loop: the text, or why it was not read. */
export async function readBoundedAsync(path: string, max: number): Promise<{ text: string } | { refused: string }> {
  const fh = await open(path, SAFE_READ).catch((err: NodeJS.ErrnoException) => err);
  if (fh instanceof Error)
    return { refused: fh.code === "ELOOP" ? "a symlink" : `unreadable (${fh.code ?? fh.message})` };
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { refused: "not a regular file" };
    if (st.size > max) return { refused: `over the limit of ${max} bytes` };
    return { text: await fh.readFile("utf8") };
  } finally {
    await fh.close();
  }
}
