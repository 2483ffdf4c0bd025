/**
 * Forwards one client request to an upstream. Protocol:
 *
 *   1. Send method, path and rewritten raw headers to the upstream over the keep-alive agent
 *      and stream the client body into it.
 *   2. Upstream answers → stream status, end-to-end headers and body back; done when the client
 *      response finishes. The client going away first aborts the upstream request (status 499,
 *      nginx's "client closed request": not the release's error).
 *   3. The attempt fails before any response byte (a refused connection, or a kept-alive one the
 *      upstream closed as the request went out: ECONNRESET, "socket hang up") → if the request is
 *      retryable (idempotent method, no body) and was not retried yet, send it once more on a
 *      fresh connection to the upstream `repick` chooses from the environment's *current*
 *      routing table (after a switch: the new release; otherwise another upstream of the same
 *      release when it has one); else answer 502.
 *   4. The upstream breaks mid-response → the client connection is destroyed (the status line is
 *      already sent: a clean error is impossible, and nothing is ever resent after a response byte).
 *
 * With a `tap`, the request and response bodies are copied into it as they stream through (for
 * the exchange log) and its `contentType` is set from the answer. Headers stay in node's raw
 * form both ways (`hop-headers.ts`); one `Forwarding` per request carries the state.
 */
import { type Agent, type ClientRequest, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { BodyTap } from "../exchange-log.js";
import { endToEndHeaders, rawHeader, upstreamHeaders } from "./hop-headers.js";

/** Where `forward` copies the bodies of one exchange. */
export interface ForwardTap {
  request: BodyTap;
  response: BodyTap;
  contentType?: string;
}

/** One upstream of a release, resolved once per routing table. */
export interface Upstream {
  releaseId: string;
  /** `host:port`. */
  address: string;
  host: string;
  port: number;
}

/** The upstream for a retry, from the current routing table, other than `failed` when it can be. */
export type Repick = (failed: Upstream) => Upstream | undefined;

/** Called once per request with the status sent and the upstream that answered (or failed last). */
export type ForwardDone = (status: number, upstream: Upstream) => void;

/** Status recorded when the client went away before its answer was complete (nginx's 499). */
export const CLIENT_CLOSED = 499;

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** True when `req` may be sent a second time: idempotent and without a body. */
export function isRetryable(req: IncomingMessage): boolean {
  if (!IDEMPOTENT.has(req.method ?? "")) return false;
  const length = rawHeader(req.rawHeaders, "content-length");
  return rawHeader(req.rawHeaders, "transfer-encoding") === undefined && (length === undefined || length === "0");
}

/** Forwards `req` to `upstream` (protocol in the module comment); calls `done` once. */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  agent: Agent,
  upstream: Upstream,
  repick: Repick,
  tap: ForwardTap | undefined,
  done: ForwardDone,
): void {
  new Forwarding(req, res, upstream, repick, tap, done).send(agent);
}

/** One request on its way through. */
class Forwarding {
  readonly #retryable: boolean;
  #upstream: Upstream;
  #out: ClientRequest | undefined;
  #retried = false;
  #status = 0;
  #finished = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    upstream: Upstream,
    private readonly repick: Repick,
    private readonly tap: ForwardTap | undefined,
    private readonly done: ForwardDone,
  ) {
    this.#upstream = upstream;
    this.#retryable = isRetryable(req);
    res.once("close", this.#onClose); // after the answer is complete, or the client went away first
  }

  /** Step 1 over `agent`, or over a fresh connection (`false`). */
  send(agent: Agent | false): void {
    const { req, tap } = this;
    const upstream = this.#upstream;
    const out = request({
      host: upstream.host,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: upstreamHeaders(req, upstream.address),
      agent,
    });
    this.#out = out;
    out.on("response", this.#onResponse);
    out.on("error", () => this.#failed(out));
    if (this.#retryable) out.end();
    else {
      if (tap) req.on("data", (chunk: Buffer) => tap.request.push(chunk));
      req.pipe(out);
    }
  }

  /** Step 2. */
  #onResponse = (up: IncomingMessage): void => {
    const { res, tap } = this;
    if (this.#finished) {
      up.destroy();
      return;
    }
    this.#status = up.statusCode ?? 502;
    res.writeHead(this.#status, up.statusMessage, endToEndHeaders(up.rawHeaders));
    if (tap) tap.contentType = rawHeader(up.rawHeaders, "content-type");
    up.on("data", (chunk: Buffer) => {
      tap?.response.push(chunk);
      if (!res.write(chunk)) {
        up.pause();
        res.once("drain", () => up.resume());
      }
    });
    up.on("end", () => res.end());
    up.on("error", () => res.destroy()); // step 4
  };

  /** Steps 3 and 4: the attempt on `out` failed. */
  #failed(out: ClientRequest): void {
    const { res } = this;
    if (out !== this.#out || this.#finished) return;
    if (res.headersSent) {
      res.destroy(); // step 4
      return;
    }
    if (this.#retryable && !this.#retried) {
      const next = this.repick(this.#upstream);
      if (next) {
        this.#retried = true;
        this.#upstream = next;
        this.send(false);
        return;
      }
    }
    this.#status = 502;
    res.writeHead(502, { "content-type": "text/plain" }).end("pitcrew: upstream unavailable\n");
  }

  #onClose = (): void => {
    if (!this.res.writableFinished) this.#out?.destroy(); // the client left before the answer was complete
    this.#finish(this.res.writableFinished || this.res.headersSent ? this.#status || 502 : CLIENT_CLOSED);
  };

  #finish(status: number): void {
    if (this.#finished) return;
    this.#finished = true;
    this.done(status, this.#upstream);
  }
}
