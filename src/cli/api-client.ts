import type { Command } from "commander";
import { readLogin } from "./client/user-config.js";

/** The server URL used when nothing names one. */
const DEFAULT_SERVER = "http://127.0.0.1:8080";

/** `--server` / `--token` as a command received them. */
export interface ClientOptions {
  server?: string;
  token?: string;
}

/** A server to talk to and the token to send it (none: anonymous). */
export interface ServerTarget {
  server: string;
  token?: string;
}

/** Adds `--server` and `--token` (defaults: PITCREW_SERVER / PITCREW_TOKEN, then `pitcrew login`). */
export function clientOptions(cmd: Command): Command {
  return cmd
    .option("--server <url>", "server URL (default $PITCREW_SERVER, else the one `pitcrew login` saved)")
    .option("--token <token>", "API token (default $PITCREW_TOKEN, else the saved login's)");
}

/**
 * The server a command talks to when one is configured: `--server`, else PITCREW_SERVER, else the
 * saved login's; `fallback` (e.g. this machine's configured port) when none is. The saved token
 * is only ever sent to the server it was saved for.
 */
export function configuredServer(opts: ClientOptions, fallback?: string): ServerTarget | undefined {
  const login = readLogin();
  const named = opts.server ?? (process.env.PITCREW_SERVER || undefined) ?? login?.server ?? fallback;
  if (named === undefined) return undefined;
  const server = normalizeServer(named);
  const saved = login && normalizeServer(login.server) === server ? login.token : undefined;
  return { server, token: opts.token ?? (process.env.PITCREW_TOKEN || undefined) ?? saved };
}

/** {@link configuredServer}, for commands that only exist on a server: none configured is an error saying how. */
export function requireServer(opts: ClientOptions): ServerTarget {
  const target = configuredServer(opts);
  if (!target) throw new Error("this needs a server: pass --server URL, set PITCREW_SERVER or run `pitcrew login`");
  return target;
}

/** A server URL without its trailing slash; anything but http(s)://host is an error naming it. */
export function normalizeServer(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--server must be a URL like http://127.0.0.1:8080, got '${url}'`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`--server must be an http:// or https:// URL, got '${url}'`);
  }
  return url.replace(/\/+$/, "");
}

/** Sends a request to the server and returns the raw response (for streams); errors name the server. */
export async function apiFetch(target: ServerTarget, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(`${target.server}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new Error(`cannot reach the pitcrew server at ${target.server}: ${(err as Error).message}`);
  }
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {}
    const hint = res.status === 401 ? " (log in with `pitcrew login` or pass --token)" : "";
    throw new Error(`${res.status}: ${message}${hint}`);
  }
  return res;
}

/** Calls the pitcrew API and returns the JSON body; API errors become thrown Errors with the server's message. */
export async function apiRequest(opts: ClientOptions, method: string, path: string, body?: unknown): Promise<unknown> {
  const target = configuredServer(opts, DEFAULT_SERVER) ?? { server: DEFAULT_SERVER };
  return apiJson(target, method, path, body);
}

/** {@link apiFetch} for a JSON answer (an empty body is `{}`). */
export async function apiJson(target: ServerTarget, method: string, path: string, body?: unknown): Promise<unknown> {
  const text = await (await apiFetch(target, method, path, body)).text();
  return text ? JSON.parse(text) : {};
}
