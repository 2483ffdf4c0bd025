/**
 * `pitcrew serve` as a real child process for tests that attack or crash a server: started from
 * the built CLI on a free port with its own data dir, its output captured (a pipe, so the first
 * admin token goes to `<data_dir>/admin-token`, never to the output).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

const BIN = resolve(import.meta.dirname, "../../bin/pitcrew.js");

/** Whether the CLI is built (`npm run build`); server-process tests skip otherwise. */
export const cliBuilt = existsSync(resolve(import.meta.dirname, "../../dist/cli/main.js"));

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** Polls `f` every 100 ms until it returns something other than undefined/false, or throws after `ms`. */
export async function until<T>(f: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A started server: the process and everything it printed so far. */
export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
}

/** Starts `pitcrew [--config file] serve --port <port>` on `dataDir` (`env` is added to the test's own). */
export function startServer(
  dataDir: string,
  port: number,
  opts: { config?: string; env?: Record<string, string> } = {},
): ServerProcess {
  let out = "";
  const config = opts.config ? ["--config", opts.config] : [];
  const child = spawn(process.execPath, [BIN, ...config, "serve", "--port", String(port)], {
    env: { ...process.env, PITCREW_DATA_DIR: dataDir, PITCREW_LOG_LEVEL: "warn", NO_COLOR: "1", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return { child, output: () => out };
}

/** The first admin token a server wrote to its data dir (waits up to 20 s for it). */
export function adminToken(dataDir: string): Promise<string> {
  const file = join(dataDir, "admin-token");
  return until(async () => existsSync(file) && readFileSync(file, "utf8").trim(), 20_000, "the admin token");
}
