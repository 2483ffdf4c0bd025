/**
 * A real `pitcrew serve` child process (see server-process.ts) with its own config file, data dir
 * and bootstrap admin token, plus a small JSON client, run waiting and the process's memory, for
 * tests that attack the server as a client would (one per test file; needs `npm run build`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { adminToken, cliBuilt, freePort, startServer, until } from "./server-process.js";

/** A running server process. */
export interface LiveServer {
  base: string;
  /** The bootstrap admin token. */
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
  stop(): Promise<void>;
}

/** Starts `pitcrew serve` with `config` on a fresh data dir and free port, and waits until it answers. */
export async function startLiveServer(config: Record<string, unknown> = {}): Promise<LiveServer> {
  const root = mkdtempSync(join(tmpdir(), "pitcrew-live-"));
  const dataDir = join(root, "data");
  const port = await freePort();
  const configFile = join(root, "pitcrew.yaml");
  writeFileSync(configFile, stringify({ log: { level: "warn" }, ...config }));
  const { child, output } = startServer(dataDir, port, { config: configFile, env: { PITCREW_SECRET_KEY: "" } });
  const base = `http://127.0.0.1:${port}`;
  const token = await adminToken(dataDir);
  await until(async () => (await fetch(`${base}/healthz`)).ok, 30_000, `pitcrew serve on ${base}`);
  const api: LiveServer["api"] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? token}`;
    if (opts.body !== undefined) headers["content-type"] ??= "application/json";
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
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
    output,
    api,
    async waitForRun(id, timeoutMs = 60_000) {
      return until(
        async () => {
          const r = await api("GET", `/api/runs/${id}`);
          return ["success", "failure", "cancelled", "skipped"].includes(r.body?.status) ? r.body : undefined;
        },
        timeoutMs,
        `run ${id} to finish`,
      );
    },
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
      return { rss: kb("VmRSS"), peak: kb("VmHWM") };
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

export { cliBuilt };
