/**
 * The last requests a router forwarded, with their answers: a bounded ring buffer in memory
 * (never persisted), from which the healing loop rebuilds the request that failed, the requests
 * of the same session before it and what the service's dependencies answered (correlated by the
 * W3C `traceparent` trace id), to replay them in a reproduction test. Bodies are kept up to a
 * byte limit (a longer one is dropped, not cut); credentials never enter it: only the headers in
 * `KEPT_HEADERS` are kept.
 */

/** One forwarded request and its answer. */
export interface Exchange {
  /** Increasing per log. */
  seq: number;
  /** When the request arrived (ms since the epoch). */
  at: number;
  /** The router listener (route key `<environment>_<project>`). */
  route: string;
  releaseId: string;
  method: string;
  /** Path with query. */
  path: string;
  headers: Record<string, string>;
  requestBody?: string;
  /** The status sent, or `CLIENT_CLOSED` when the client left before one was: then no answer. */
  status: number;
  responseBody?: string;
  contentType?: string;
  /** Time to the end of the answer. */
  latencyMs: number;
  /** The W3C trace id of the request, when it carried a `traceparent`. */
  traceId?: string;
}

/** Status recorded when the client went away before the status line of its answer was sent (nginx's 499). */
export const CLIENT_CLOSED = 499;

/** Request headers worth replaying; anything else (cookies, authorization, …) is never kept. */
export const KEPT_HEADERS = ["content-type", "accept", "accept-language", "user-agent"] as const;

/** Sizes of the log. */
export interface ExchangeLogOptions {
  /** Exchanges kept (default 2,000). */
  capacity?: number;
  /** Largest body kept, in bytes (default 16 KiB). */
  maxBodyBytes?: number;
}

/** The trace id of a `traceparent` header (`00-<32 hex>-<16 hex>-<2 hex>`). */
export function traceIdOf(traceparent: string | string[] | undefined): string | undefined {
  const value = Array.isArray(traceparent) ? traceparent[0] : traceparent;
  const m = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(value?.trim().toLowerCase() ?? "");
  return m && !/^0+$/.test(m[1]!) ? m[1] : undefined;
}

/** Collects a stream's chunks up to a byte limit; `text()` is undefined when it went over. */
export class BodyTap {
  #chunks: Buffer[] | undefined; // created on the first chunk: most requests have no body
  #bytes = 0;
  #over = false;

  constructor(private readonly limit: number) {}

  /** Takes one chunk. */
  push(chunk: Buffer | string): void {
    if (this.#over) return;
    const b = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    this.#bytes += b.length;
    if (this.#bytes > this.limit) {
      this.#over = true;
      this.#chunks = undefined;
    } else if (this.#chunks) this.#chunks.push(b);
    else this.#chunks = [b];
  }

  /** The UTF-8 text, or undefined when over the limit, empty, or not valid UTF-8. */
  text(): string | undefined {
    if (this.#over || this.#bytes === 0 || !this.#chunks) return undefined;
    const buf = Buffer.concat(this.#chunks);
    const text = buf.toString("utf8");
    return Buffer.byteLength(text) === buf.length && !text.includes("\uFFFD") ? text : undefined;
  }
}

/** An exchange as recorded: its bodies still the raw taps, decoded only when listed; `seq` is set by `record`. */
export type RecordedExchange = Omit<Exchange, "requestBody" | "responseBody"> & {
  requestBody?: BodyTap;
  responseBody?: BodyTap;
};

/** The ring buffer of exchanges (see the module comment). */
export class ExchangeLog {
  readonly capacity: number;
  readonly maxBodyBytes: number;
  readonly #ring: (RecordedExchange | undefined)[];
  #seq = 0;

  constructor(opts: ExchangeLogOptions = {}) {
    this.capacity = opts.capacity ?? 2_000;
    this.maxBodyBytes = opts.maxBodyBytes ?? 16 * 1024;
    this.#ring = new Array(this.capacity);
  }

  /**
   * Records one exchange, taking `e` over and setting its `seq` (cheap: nothing is copied or
   * decoded); the oldest is forgotten when the log is full.
   */
  record(e: RecordedExchange): void {
    this.#seq += 1;
    e.seq = this.#seq;
    this.#ring[this.#seq % this.capacity] = e;
  }

  /** The exchanges still held, oldest first, that `keep` accepts (all by default). */
  list(keep: (e: Exchange) => boolean = () => true): Exchange[] {
    const out: Exchange[] = [];
    for (let s = Math.max(1, this.#seq - this.capacity + 1); s <= this.#seq; s++) {
      const r = this.#ring[s % this.capacity];
      if (!r || r.seq !== s) continue;
      const e: Exchange = { ...r, requestBody: r.requestBody?.text(), responseBody: r.responseBody?.text() };
      if (keep(e)) out.push(e);
    }
    return out;
  }
}
