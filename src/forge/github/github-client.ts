/**
 * A small GitHub REST client over `fetch`: token auth, JSON in and out, `Link` pagination, one
 * retry with backoff on 5xx / rate limit / network failure, and GitHub's answers mapped to
 * pitcrew's typed errors carrying GitHub's own message.
 *
 * Retry protocol (per request):
 *
 *   attempt 1 ──ok──► done
 *       │ 5xx | 429 | 403 with x-ratelimit-remaining: 0 | network error
 *       ▼ wait: Retry-After, else x-ratelimit-reset − now, else `retryDelayMs` (capped at `maxRetryWaitMs`)
 *   attempt 2 ──ok──► done
 *       └─ same failure ──► GitHubError (502) naming the endpoint and what GitHub said
 */
import { ConflictError, ForbiddenError, NotFoundError, PitcrewError, ValidationError } from "../../common/errors.js";

/** GitHub could not be reached, refused pitcrew's credentials, or kept failing (HTTP 502 to our clients). */
export class GitHubError extends PitcrewError {
  override name = "GitHubError";
  override readonly status = 502;
  constructor(message: string, details?: unknown, options?: { cause?: unknown }) {
    super("github_failed", message, details, options);
  }
}

/** How to reach GitHub. */
export interface GitHubClientOptions {
  /** REST base, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  apiUrl: string;
  /** A fixed token (PAT), or a source of fresh ones (GitHub App installation tokens). */
  token: string | (() => Promise<string>);
  /** Wait before the single retry when GitHub gives no hint (default 1000 ms). */
  retryDelayMs?: number;
  /** Longest wait before the retry, whatever GitHub asks (default 10 000 ms). */
  maxRetryWaitMs?: number;
  /** Per-request timeout (default 30 000 ms). */
  timeoutMs?: number;
}

/** One request. `query` values are URL-encoded; `accept` overrides the JSON media type. */
export interface GitHubRequest {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  accept?: string;
}

/** A decoded response (`data` is parsed JSON, or text for non-JSON media types). */
export interface GitHubResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

/** The error body GitHub sends: a message and optional field errors. */
interface GitHubErrorBody {
  message?: string;
  errors?: ({ message?: string; code?: string; field?: string } | string)[];
}

/** GitHub's message for a failed answer: `message` plus each field error. */
export function gitHubMessage(data: unknown): string {
  const b = (typeof data === "object" && data ? data : {}) as GitHubErrorBody;
  const extra = (b.errors ?? [])
    .map((e) => (typeof e === "string" ? e : (e.message ?? [e.field, e.code].filter(Boolean).join(" "))))
    .filter(Boolean);
  return [b.message ?? (typeof data === "string" ? data : "no message"), ...extra].join(": ");
}

/** A REST client bound to one token; see the module comment for retries and errors. */
export class GitHubClient {
  readonly #o: Required<GitHubClientOptions>;
  constructor(opts: GitHubClientOptions) {
    this.#o = { retryDelayMs: 1000, maxRetryWaitMs: 10_000, timeoutMs: 30_000, ...opts };
    this.#o.apiUrl = opts.apiUrl.replace(/\/+$/, "");
  }

  /** Sends one request; non-2xx answers become typed errors (see `toTypedError`). */
  async request<T>(method: string, path: string, req: GitHubRequest = {}): Promise<GitHubResponse<T>> {
    const url = new URL(path.startsWith("http") ? path : `${this.#o.apiUrl}${path}`);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const what = `${method} ${url.pathname}`;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        const token = typeof this.#o.token === "string" ? this.#o.token : await this.#o.token();
        res = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: req.accept ?? "application/vnd.github+json",
            "x-github-api-version": "2022-11-28",
            "user-agent": "pitcrew",
            ...(req.body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
          signal: AbortSignal.timeout(this.#o.timeoutMs),
        });
      } catch (err) {
        if (attempt === 1) {
          await sleep(this.#o.retryDelayMs);
          continue;
        }
        throw new GitHubError(`${what}: GitHub is unreachable: ${(err as Error).message}`, undefined, { cause: err });
      }
      const type = res.headers.get("content-type") ?? "";
      const text = await res.text();
      const data = type.includes("json") && text ? (JSON.parse(text) as unknown) : text;
      if (res.ok) return { status: res.status, data: data as T, headers: res.headers };
      const wait = retryWait(res, this.#o.retryDelayMs);
      if (wait !== undefined && attempt === 1) {
        await sleep(Math.min(wait, this.#o.maxRetryWaitMs));
        continue;
      }
      throw toTypedError(res.status, `${what}: GitHub answered ${res.status}: ${gitHubMessage(data)}`, data);
    }
  }

  /** GETs every page of a list (following `Link: rel="next"`), 100 items a page. */
  async paginate<T>(path: string, query: GitHubRequest["query"] = {}): Promise<T[]> {
    const all: T[] = [];
    let next: string | undefined = path;
    let q: GitHubRequest["query"] = { per_page: 100, ...query };
    while (next) {
      const res: GitHubResponse<T[]> = await this.request<T[]>("GET", next, { query: q });
      all.push(...res.data);
      next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get("link") ?? "")?.[1];
      q = {};
    }
    return all;
  }
}

/** How long to wait before retrying this answer, or undefined when it must not be retried. */
function retryWait(res: Response, fallbackMs: number): number | undefined {
  const limited = res.status === 429 || (res.status === 403 && res.headers.get("x-ratelimit-remaining") === "0");
  if (!limited && res.status < 500) return undefined;
  const after = Number(res.headers.get("retry-after"));
  if (after > 0) return after * 1000;
  const reset = Number(res.headers.get("x-ratelimit-reset"));
  if (limited && reset > 0) return Math.max(0, reset * 1000 - Date.now());
  return fallbackMs;
}

/**
 * GitHub status → pitcrew error: 403 and 405 → ForbiddenError (protection, permissions,
 * "not allowed"), 404 → NotFoundError, 409 → ConflictError, 422 → ValidationError; 401, 429
 * and 5xx → GitHubError (pitcrew's side or GitHub's is broken, not the caller's input).
 */
export function toTypedError(status: number, message: string, data: unknown): PitcrewError {
  switch (status) {
    case 403:
    case 405:
      return new ForbiddenError(message);
    case 404: {
      const e = new NotFoundError("GitHub resource", message);
      return Object.assign(e, { message });
    }
    case 409:
      return new ConflictError(message, data);
    case 422:
      return new ValidationError(message, data);
    default:
      return new GitHubError(message, data);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
