import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { color } from "./output.js";

/** Where the first admin token is written when the server's output is not a terminal. */
export const ADMIN_TOKEN_FILE = "admin-token";

/**
 * Shows the first admin token to whoever started the server. On a terminal it is printed; when
 * the output goes anywhere else (a log file, a journal, a pipe) the token is written to
 * `<data_dir>/admin-token` (0600, in the 0700 data dir) and only that path is printed, so no log
 * ever holds an admin credential.
 */
export function showAdminToken(token: string, dataDir: string, say: (line: string) => void): void {
  if (process.stdout.isTTY) {
    say(color.yellow("An admin token was created. It is shown only this once; keep it:"));
    say(`  ${color.bold(token)}`);
    say(color.dim(`  e.g. export PITCREW_TOKEN=${token}`));
    return;
  }
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  say(`An admin token was created and written to ${file} (mode 0600): read it, keep it elsewhere, delete the file.`);
}
