import type { Command } from "commander";
import { apiJson, normalizeServer } from "../api-client.js";
import { readLogin, removeLogin, saveLogin, userConfigFile } from "../client/user-config.js";
import { readStdin } from "../client/read-stdin.js";

/** The server `login` uses when none is named. */
const DEFAULT_SERVER = "http://127.0.0.1:8080";

/**
 * `pitcrew login [--server URL] [--token T]` (else the token is read from stdin) checks the token
 * against the server and saves both in the user's config (0600).
 */
export function registerLoginCommand(program: Command): void {
  program
    .command("login")
    .description("save a server and its API token for the other commands (token from --token or stdin)")
    .option("--server <url>", "server URL (default $PITCREW_SERVER, else http://127.0.0.1:8080)")
    .option("--token <token>", "API token (default: read from stdin, so it stays out of the shell history)")
    .action(async (opts: { server?: string; token?: string }) => {
      const server = normalizeServer(opts.server ?? (process.env.PITCREW_SERVER || DEFAULT_SERVER));
      const token = (opts.token ?? (await readStdin("token", 4096))).trim();
      if (!token) throw new Error("no token: pass --token or pipe it on stdin");
      const me = (await apiJson({ server, token }, "GET", "/api/me")) as { name?: string; role?: string };
      saveLogin({ server, token });
      process.stdout.write(`logged in to ${server} as ${me.name} (${me.role}); saved in ${userConfigFile()}\n`);
    });
}

/** `pitcrew logout`: forgets the saved login. */
export function registerLogoutCommand(program: Command): void {
  program
    .command("logout")
    .description("forget the saved server and token")
    .action(() => {
      const login = readLogin();
      process.stdout.write(removeLogin() ? `logged out of ${login?.server}\n` : "not logged in\n");
    });
}
