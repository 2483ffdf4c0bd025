/**
 * The server's private files: its data directory (database, `secret.key`, workspaces, caches),
 * and its log file when its output goes to one. Nobody but pitcrew's own user may read them: the
 * data directory is made 0700 and every file at its top 0600 (also ones an older version left
 * wider), and a log file pitcrew's user owns 0600.
 */
import { chmodSync, fstatSync, lstatSync, mkdirSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";

/** The regular files pitcrew's stdout and stderr are redirected to (`pitcrew serve >> server.log 2>&1`). */
export function logFiles(): string[] {
  const files = new Set<string>();
  for (const fd of [1, 2]) {
    try {
      if (fstatSync(fd).isFile()) files.add(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // closed, not a file, or no /proc: nothing to protect
    }
  }
  return [...files];
}

/** Creates `dataDir` if needed and narrows it and the files above to pitcrew's user. */
export function securePrivateFiles(dataDir: string, logs: string[] = logFiles()): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (entry.isFile()) chmodSync(join(dataDir, entry.name), 0o600);
  }
  const me = process.getuid?.();
  for (const file of logs) {
    try {
      if (lstatSync(file).uid === me) chmodSync(file, 0o600);
    } catch {
      // rotated away meanwhile: nothing to narrow
    }
  }
}
