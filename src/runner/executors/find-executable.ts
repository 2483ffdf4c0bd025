/**
 * Locates a host binary (bash, bwrap) once, by absolute path, so starting a step never depends
 * on the PATH a pipeline chose, and the step's environment stays exactly what it was given.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

const FALLBACK_DIRS = ["/usr/local/bin", "/usr/bin", "/bin"];

/** Absolute path of executable `name` on pitcrew's own PATH or the usual dirs; undefined if absent. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...FALLBACK_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: keep looking
    }
  }
  return undefined;
}
