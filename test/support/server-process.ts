/**
 * `pitcrew serve` as a real child process, run from the source with tsx (no build needed), on a
 * free port with its own data dir and config file: what the security tests attack. One server
 * per test file; `stop()` kills it (SIGKILL after 5 s).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../../src/deploy/free-port.js";

const ROOT = resolve(import.meta.dirname, "../..");
const MAIN = "import('./src/cli/main.ts').then((m) => m.main(['node', 'pitcrew', ...process.argv.slice(1)]))";

/** A running server and how to talk to it. */
export interface ServerProcess {
  url: string;
  /** Holds the config file; the server's data dir is `<dataDir>/data` (database `data/pitcrew.db`). */
  dataDir: string;
  /** The bootstrap admin token. */
  token: string;
  /** A JSON request with the admin token (or `token`); resolves with status and parsed body. */
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body whose shape each test asserts
  api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Polls `f` every 100 ms until it yields a truthy value; throws naming `what` after `ms`. */
export async function until<T>(f: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `pitcrew serve` with `configYaml` (default: empty) and waits for its bootstrap token; to
 * restart a stopped server, pass its `dataDir` and `token` (no new token is printed then).
 */
export async function startServerProcess(
  configYaml = "",
  again?: { dataDir: string; token: string },
): Promise<ServerProcess> {
  const dataDir = again?.dataDir ?? mkdtempSync(join(tmpdir(), "pitcrew-sec-"));
  const configFile = join(dataDir, "pitcrew.yaml");
  writeFileSync(configFile, `data_dir: ${JSON.stringify(join(dataDir, "data"))}\n${configYaml}`);
  const port = await freePort();
  let out = "";
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "-e", MAIN, "--", "-c", configFile, "serve", "--port", String(port), "--host", "127.0.0.1"],
    {
      cwd: ROOT,
      env: { ...process.env, PITCREW_LOG_LEVEL: "info", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout!.on("data", (d) => (out = (out + d).slice(-1_000_000)));
  child.stderr!.on("data", (d) => (out = (out + d).slice(-1_000_000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const token =
      again?.token ?? (await until(async () => /(pcr_[A-Za-z0-9_-]+)/.exec(out)?.[1], 60_000, "the bootstrap token"));
    await until(async () => (await fetch(`${url}/healthz`)).ok, 30_000, "the server to answer /healthz");
    const api = async (method: string, path: string, body?: unknown, as = token) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${as}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    return { url, dataDir, token, api, output: () => out, stop };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}; server output:\n${out.slice(-4000)}`);
  }
}
