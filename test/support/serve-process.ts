/**
 * A real `pitcrew serve` child process on a free port with its own data dir and config file, for
 * tests that attack the server as a client would (one per test file; needs `dist/`, built by
 * `npm run build`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { ADMIN_TOKEN_FILE } from "../../src/cli/show-admin-token.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/pitcrew.js");

/** True when the compiled CLI exists (tests using {@link startServe} skip otherwise). */
export const HAS_DIST = existsSync(join(ROOT, "dist/cli/main.js"));

/** A running server process. */
export interface ServeProcess {
  base: string;
  /** The bootstrap admin token (read from `<data_dir>/admin-token`). */
  token: string;
  pid: number;
  dataDir: string;
  /** Everything the process printed so far. */
  output(): string;
  /** A JSON request with the admin token (or `token`); returns status, headers and parsed body. */
  api(
    method: string,
    path: string,
    opts?: { body?: unknown; token?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: any }>;
  /** Waits for run `id` to finish and returns it. */
  waitForRun(id: number, timeoutMs?: number): Promise<any>;
  /** Peak and current resident memory of the server process, in bytes (from /proc). */
  memory(): { rss: number; peak: number };
  /** Stops the server and deletes its data dir, unless `keepData` (to start it again on the same data). */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/**
 * Starts `pitcrew serve` with `config` (merged over a data dir and port) and waits for its token;
 * `again` restarts a server stopped with `keepData` on its data dir, with its token.
 */
export async function startServe(
  config: Record<string, unknown> = {},
  again?: { dataDir: string; token: string },
): Promise<ServeProcess> {
  const dataDir = again?.dataDir ?? mkdtempSync(join(tmpdir(), "pitcrew-serve-"));
  const port = await freePort();
  const configFile = join(dataDir, "pitcrew.yaml");
  writeFileSync(configFile, stringify({ data_dir: join(dataDir, "data"), log: { level: "warn" }, ...config }));
  let out = "";
  const child: ChildProcess = spawn(process.execPath, [BIN, "--config", configFile, "serve", "--port", String(port)], {
    env: { ...process.env, NO_COLOR: "1", PITCREW_SECRET_KEY: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const tokenFile = join(dataDir, "data", ADMIN_TOKEN_FILE);
  const token = await until(async () => {
    if (child.exitCode !== null) throw new Error(`pitcrew serve exited (${child.exitCode}):\n${out}`);
    const t = again?.token ?? (existsSync(tokenFile) ? readFileSync(tokenFile, "utf8").trim() : undefined);
    if (!t) return undefined;
    const res = await fetch(`${base}/healthz`).catch(() => undefined);
    return res?.ok ? t : undefined;
  }, 30_000);
  const api: ServeProcess["api"] = async (method, path, opts = {}) => {
    const auth: Record<string, string> = opts.token === null ? {} : { authorization: `Bearer ${opts.token ?? token}` };
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...auth, ...(opts.body !== undefined ? { "content-type": "application/json" } : {}), ...opts.headers },
      body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, headers: res.headers, body };
  };
  return {
    base,
    token,
    pid: child.pid!,
    dataDir,
    output: () => out,
    api,
    async waitForRun(id, timeoutMs = 60_000) {
      return until(async () => {
        const r = await api("GET", `/api/runs/${id}`);
        return ["success", "failure", "cancelled", "skipped"].includes(r.body?.status) ? r.body : undefined;
      }, timeoutMs);
    },
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
      return { rss: kb("VmRSS"), peak: kb("VmHWM") };
    },
    async stop(opts = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

/**
 * Starts `pitcrew [--config file] serve --port <port>` on `dataDir` as is, for tests that kill
 * and restart a server on the same data dir. With `logFile`, stdout and stderr are appended to
 * that file (as `>> file 2>&1` would) and `output` reads it.
 */
export function spawnServe(
  dataDir: string,
  port: number,
  opts: { config?: string; logFile?: string } = {},
): { child: ChildProcess; output(): string } {
  let out = "";
  const config = opts.config ? ["--config", opts.config] : [];
  const log = opts.logFile ? openSync(opts.logFile, "a", 0o644) : undefined;
  const child = spawn(process.execPath, [BIN, ...config, "serve", "--port", String(port)], {
    env: { ...process.env, PITCREW_DATA_DIR: dataDir, PITCREW_LOG_LEVEL: "warn", NO_COLOR: "1" },
    stdio: ["ignore", log ?? "pipe", log ?? "pipe"],
  });
  if (log !== undefined) {
    closeSync(log);
    return { child, output: () => readFileSync(opts.logFile!, "utf8") };
  }
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return { child, output: () => out };
}

/**
 * The first admin token a server wrote to `<dataDir>/admin-token` (its output is not a terminal,
 * so the token is never printed); waits up to 30 s.
 */
export function adminToken(dataDir: string): Promise<string> {
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  return until(async () => (existsSync(file) ? readFileSync(file, "utf8").trim() || undefined : undefined), 30_000);
}

/** Polls `f` until it returns a value (not undefined or false), or throws after `ms` naming `what`. */
export async function until<T>(f: () => Promise<T | undefined | false>, ms: number, what = "a condition"): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
