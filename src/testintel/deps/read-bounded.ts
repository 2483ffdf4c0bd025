import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";

/**
 * The file's text, or undefined when it is larger than `max` bytes or cannot be read. Synchronous:
 * for the many small files of a checkout one syscall each beats the thread pool's round trips;
 * callers read in batches and yield to the event loop between them.
 */
export function readBounded(path: string, max: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    if (fstatSync(fd).size > max) return undefined;
    return readFileSync(fd, "utf8");
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
