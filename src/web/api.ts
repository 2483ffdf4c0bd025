/**
 * The dashboard's client of the pitcrew HTTP API: the API token kept in localStorage, JSON GETs
 * with `Authorization: Bearer`, and Server-Sent Events read over `fetch` (so the token travels in
 * a header, not the URL) with reconnection that resumes from the last event id.
 */

const TOKEN_KEY = "pitcrew.token";

/** An error answered by the API (`{ error: { code, message } }`) or by the network. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The stored API token, if any. */
export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

/** Stores the API token (`null` forgets it) and tells the app. */
export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
  window.dispatchEvent(new Event("pitcrew:token"));
}

function headers(token = getToken()): HeadersInit {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** GETs a JSON document of the API; a 401 forgets the token (the login form shows again). */
export async function apiGet<T>(path: string, token?: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: headers(token ?? getToken()) });
  } catch (err) {
    throw new ApiError(0, "network", `cannot reach the server: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) {
    if (res.status === 401 && token === undefined) setToken(null);
    throw new ApiError(res.status, body?.error?.code ?? "http", body?.error?.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}

/** One Server-Sent Event. */
export interface SseMessage {
  event: string;
  data: unknown;
  id?: string;
}

/** Options of `openSse`. */
export interface SseOptions {
  onMessage(m: SseMessage): void;
  /** Connection trouble (the stream retries by itself unless `reconnect` is false). */
  onError?(err: ApiError): void;
  /** Reconnect after the server closes the stream (default true). */
  reconnect?: boolean;
}

/** Opens an SSE stream of the API; returns the function that closes it. */
export function openSse(path: string, opts: SseOptions): () => void {
  const abort = new AbortController();
  let lastId: string | undefined;
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const h: Record<string, string> = { ...(headers() as Record<string, string>), accept: "text/event-stream" };
        if (lastId) h["last-event-id"] = lastId;
        const res = await fetch(path, { headers: h, signal: abort.signal });
        if (!res.ok || !res.body) {
          const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
          throw new ApiError(res.status, body?.error?.code ?? "http", body?.error?.message ?? `HTTP ${res.status}`);
        }
        await readEvents(res.body, (m) => {
          if (m.id) lastId = m.id;
          opts.onMessage(m);
        });
        if (opts.reconnect === false) return;
      } catch (err) {
        if (abort.signal.aborted) return;
        const e = err instanceof ApiError ? err : new ApiError(0, "network", (err as Error).message);
        opts.onError?.(e);
        if (e.status >= 400 && e.status < 500) return;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  void run();
  return () => abort.abort();
}

async function readEvents(body: ReadableStream<Uint8Array>, emit: (m: SseMessage) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const m: SseMessage = { event: "message", data: null };
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) m.event = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
        else if (line.startsWith("id: ")) m.id = line.slice(4);
      }
      if (!data) continue;
      m.data = JSON.parse(data);
      emit(m);
    }
  }
}
