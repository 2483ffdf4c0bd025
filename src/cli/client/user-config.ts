import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";

/** What `pitcrew login` saves: the server to talk to and the token to send it. */
export interface SavedLogin {
  server: string;
  token: string;
}

/**
 * The user's CLI config file: `$XDG_CONFIG_HOME/pitcrew/config.json`, else
 * `~/.config/pitcrew/config.json` (XDG base directory spec).
 */
export function userConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".config");
  return join(base, "pitcrew", "config.json");
}

/** The saved login, or undefined when there is none; a damaged file is an error naming it. */
export function readLogin(file = userConfigFile()): SavedLogin | undefined {
  if (!existsSync(file)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); fix it or run \`pitcrew logout\``);
  }
  const login = data as Partial<SavedLogin> | null;
  if (typeof login?.server !== "string" || typeof login.token !== "string") {
    throw new Error(`${file} has no "server" and "token" strings; run \`pitcrew login\` again`);
  }
  return { server: login.server, token: login.token };
}

/** Saves a login: the directory is made 0700 and the file 0600 (it holds a credential). */
export function saveLogin(login: SavedLogin, file = userConfigFile()): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(dirname(file), 0o700);
  writeFileSync(file, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Forgets the saved login; returns whether there was one. */
export function removeLogin(file = userConfigFile()): boolean {
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}
