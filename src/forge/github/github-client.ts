/**
 * pitcrew's GitHub REST client: Octokit (`@octokit/rest`) at the configured API base (GitHub or
 * GitHub Enterprise Server), a token per request (a PAT, or installation tokens renewed by the
 * GitHub App strategy), a bounded retry with backoff, and GitHub's answers mapped to pitcrew's
 * typed errors carrying GitHub's own message.
 *
 * Retry protocol (per request, a hook wrapped around Octokit's request, pages of a list too):
 *
 *   attempt n ──ok──► done
 *       │ 5xx | 429 | 403 rate limit (x-ratelimit-remaining: 0, secondary limit, Retry-After) | network error
 *       │   — but a POST (it creates something) only on 429 | 403 rate limit | a connection never made
 *       │     (ECONNREFUSED, DNS): GitHub may have created the object before a 5xx or a timeout, and a
 *       │     second POST would create it twice; unless the caller marks it `idempotent`
 *       ▼ n ≤ maxRetries: wait Retry-After, else x-ratelimit-reset − now, else retryDelayMs × 2^(n−1)
 *         (every wait capped at maxRetryWaitMs), then attempt n+1
 *       └─ n > maxRetries ──► GitHubError (502) naming the endpoint and what GitHub said
 *   any other answer ──► its typed error at once (see `toTypedError`)
 */
import { Octokit } from "@octokit/rest";
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
  /** First backoff when GitHub gives no hint; doubles with each retry (default 1000 ms). */
  retryDelayMs?: number;
  /** Retries after the first attempt, at most (default 3). */
  maxRetries?: number;
  /** Longest wait before one retry, whatever GitHub asks (default 10 000 ms). */
  maxRetryWaitMs?: number;
  /** Per-request timeout (default 30 000 ms). */
  timeoutMs?: number;
}

/** One request. `query` values are URL-encoded; `accept` overrides the JSON media type. */
export interface GitHubRequest {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  accept?: string;
  /** A POST whose repetition does no harm (a commit status: the newest wins): retried like a GET. */
  idempotent?: boolean;
}

/** A decoded response (`data` is parsed JSON, or text for text media types). */
export interface GitHubResponse<T> {
  status: number;
  data: T;
}

/** The error body GitHub sends: a message and optional field errors. */
interface GitHubErrorBody {
  message?: string;
  errors?: ({ message?: string; code?: string; field?: string } | string)[];
}

/** What Octokit throws for a failed request (`@octokit/request-error`), the subset pitcrew reads. */
interface OctokitFailure {
  status?: number;
  message: string;
  response?: { status: number; data: unknown; headers: Record<string, string | number | undefined> };
}

/** GitHub's message for a failed answer: `message` plus each field error. */
export function gitHubMessage(data: unknown): string {
  const b = (typeof data === "object" && data ? data : {}) as GitHubErrorBody;
  const extra = (b.errors ?? [])
    .map((e) => (typeof e === "string" ? e : (e.message ?? [e.field, e.code].filter(Boolean).join(" "))))
    .filter(Boolean);
  return [b.message ?? (typeof data === "string" && data ? data : "no message"), ...extra].join(": ");
}

/** The request options Octokit hands its `request` hook (the subset pitcrew reads and sets). */
interface HookOptions {
  method: string;
  url: string;
  baseUrl: string;
  headers: Record<string, string | number | undefined>;
  request?: Record<string, unknown>;
}

/**
 * A REST client bound to one token source; see the module comment for retries and errors. Both
 * live in a hook around Octokit's request, so pagination (`octokit.paginate`) has them too.
 */
export class GitHubClient {
  readonly #o: Required<GitHubClientOptions>;
  readonly #octokit: Octokit;
  constructor(opts: GitHubClientOptions) {
    this.#o = { retryDelayMs: 1000, maxRetries: 3, maxRetryWaitMs: 10_000, timeoutMs: 30_000, ...opts };
    this.#o.apiUrl = opts.apiUrl.replace(/\/+$/, "");
    this.#octokit = new Octokit({ baseUrl: this.#o.apiUrl, userAgent: "pitcrew", log: quietOctokitLog });
    this.#octokit.hook.wrap("request", (request, options) =>
      this.#send(request as unknown as (o: HookOptions) => Promise<never>, options as unknown as HookOptions),
    );
  }

  /** Sends one request; non-2xx answers become typed errors (see `toTypedError`). */
  async request<T>(method: string, path: string, req: GitHubRequest = {}): Promise<GitHubResponse<T>> {
    const url = this.#url(path, req.query);
    const res = await this.#octokit.request({
      method,
      url,
      headers: { accept: req.accept ?? "application/vnd.github+json" },
      ...(req.idempotent ? { request: { [IDEMPOTENT]: true } } : {}),
      ...(req.body === undefined ? {} : { data: req.body }),
    });
    return { status: res.status, data: res.data as T };
  }

  /** GETs every page of a list (Octokit follows `Link: rel="next"`), 100 items a page. */
  async paginate<T>(path: string, query: GitHubRequest["query"] = {}): Promise<T[]> {
    return (await this.#octokit.paginate({ method: "GET", url: this.#url(path, { per_page: 100, ...query }) })) as T[];
  }

  #url(path: string, query: GitHubRequest["query"] = {}): string {
    const url = new URL(path.startsWith("http") ? path : `${this.#o.apiUrl}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.href;
  }

  /** Octokit's request with a fresh token, a timeout, the bounded retries and pitcrew's errors. */
  async #send<R>(request: (o: HookOptions) => Promise<R>, options: HookOptions): Promise<R> {
    const what = `${options.method} ${new URL(options.url, `${options.baseUrl}/`).pathname}`;
    for (let attempt = 1; ; attempt++) {
      try {
        const token = typeof this.#o.token === "string" ? this.#o.token : await this.#o.token();
        // Changed in place on the object Octokit handed the hook (a changed copy lost the header).
        options.headers.authorization = `Bearer ${token}`;
        options.request = { ...options.request, signal: AbortSignal.timeout(this.#o.timeoutMs) };
        return await request(options);
      } catch (err) {
        const failure = err as OctokitFailure;
        const safe = options.method !== "POST" || options.request?.[IDEMPOTENT] === true;
        const wait = retryWait(failure, this.#o.retryDelayMs * 2 ** (attempt - 1), safe);
        if (wait !== undefined && attempt <= this.#o.maxRetries) {
          await sleep(Math.min(wait, this.#o.maxRetryWaitMs));
          continue;
        }
        if (!failure.response) {
          throw new GitHubError(`${what}: GitHub is unreachable: ${failure.message}`, undefined, { cause: err });
        }
        const { status, data } = failure.response;
        throw toTypedError(status, `${what}: GitHub answered ${status}: ${gitHubMessage(data)}`, data);
      }
    }
  }
}

/** Octokit's logger, silenced: it writes to the console; pitcrew's errors already carry what matters. */
export const quietOctokitLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Marks, in Octokit's per-request options, a POST the caller declared `idempotent`. */
const IDEMPOTENT = "pitcrewIdempotent";

/** Errors of a connection that was never made: the request cannot have reached GitHub. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

/** Whether the failure happened before any byte of the request could reach GitHub. */
function neverSent(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof code === "string" && NOT_SENT.has(code)) return true;
    if (errors?.some(neverSent)) return true;
    e = cause;
  }
  return false;
}

/**
 * How long to wait before retrying this failure (`fallbackMs` without a hint), or undefined when
 * it must not be retried; `safe`: repeating the request does no harm (see the module comment).
 */
function retryWait(failure: OctokitFailure, fallbackMs: number, safe: boolean): number | undefined {
  const res = failure.response;
  if (!res) return safe || neverSent(failure) ? fallbackMs : undefined; // network failure or timeout
  const header = (name: string) => Number(res.headers[name]);
  const secondary = res.status === 403 && /secondary rate limit|abuse/i.test(gitHubMessage(res.data));
  const limited =
    res.status === 429 ||
    (res.status === 403 && (res.headers["x-ratelimit-remaining"] === "0" || secondary || header("retry-after") > 0));
  if (!limited && (res.status < 500 || !safe)) return undefined;
  const after = header("retry-after");
  if (after > 0) return after * 1000;
  const reset = header("x-ratelimit-reset");
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
