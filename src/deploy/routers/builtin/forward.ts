/**
 * Forwards one client request to an upstream. Protocol:
 *
 *   1. Send method, path and rewritten raw headers to the upstream over the keep-alive agent
 *      and stream the client body into it, framed as the client framed it (`hop-headers.ts`).
 *   2. Upstream answers → stream status, end-to-end headers and body back; done when the client
 *      response finishes. A status outside 100..999, an answer node refuses to write (an
 *      invalid header) or a 101 (`Upgrade` is never forwarded) is answered 502 instead. The client going away before the status line
 *      was sent aborts the upstream request and is recorded as 499 (nginx's "client closed
 *      request": not the release's error); going away later aborts it too but keeps the status.
 *   3. The attempt fails before any response byte → the request is resent once, on a fresh
 *      connection, only when it is retryable (idempotent method, no body) and the upstream cannot
 *      have processed it: the connection was refused (ECONNREFUSED: nothing was sent), or a
 *      kept-alive connection reused for it was closed by the upstream (ECONNRESET, EPIPE, "socket
 *      hang up": a pooled connection the upstream closed as the request went out). `repick`
 *      chooses the upstream from the environment's *current* routing table (`builtin-router.ts`:
 *      the same release while it still takes traffic, else the release the weights pick now).
 *      Otherwise, or when `repick` has none, answer 502. A fresh connection that breaks after the
 *      request went out is never resent: the upstream may have acted on it (a DELETE twice).
 *   4. The upstream breaks mid-response → the client connection is destroyed (the status line is
 *      already sent: a clean error is impossible, and nothing is ever resent after a response byte).
 *
 * The request is recorded (`done`) against the upstream that answered it, or, when none did,
 * the one it was first sent to: a canary whose upstream refuses connections shows its failures.
 * With a `tap`, the request and response bodies are copied into it as they stream through (for
 * the exchange log) and its `contentType` is set from the answer. Headers stay in node's raw
 * form both ways (`hop-headers.ts`); one `Forwarding` per request carries the state.
 */
import { type Agent, type ClientRequest, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { type BodyTap, CLIENT_CLOSED } from "../exchange-log.js";
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

/**
 * The upstream for the retry of an attempt that failed on `failed`, from the current routing
 * table; `sameUpstream` says whether `failed` itself may take it (its kept-alive connection went
 * stale; a refused one would refuse again). Undefined: no retry.
 */
export type Repick = (failed: Upstream, sameUpstream: boolean) => Upstream | undefined;

/** Called once per request with the status sent and the upstream it is recorded against (see above). */
export type ForwardDone = (status: number, upstream: Upstream) => void;

/** Errors of a reused kept-alive connection the upstream closed before reading the request. */
const STALE_CONNECTION = new Set(["ECONNRESET", "EPIPE"]);

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
  /** The upstream the request is recorded against: the first one, until one answers. */
  #recorded: Upstream;
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
    this.#recorded = upstream;
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
    out.on("upgrade", this.#onUpgrade);
    out.on("error", (error: NodeJS.ErrnoException) => this.#failed(out, error));
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
    this.#recorded = this.#upstream;
    const status = up.statusCode ?? 0;
    if (!this.#writeHead(status, up)) {
      up.destroy();
      this.#invalidAnswer();
      return;
    }
    this.#status = status;
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

  /** A 101 Switching Protocols, never asked for (`Upgrade` is not forwarded): an invalid answer. */
  #onUpgrade = (_up: IncomingMessage, socket: Duplex): void => {
    socket.destroy();
    if (this.#finished) return;
    this.#recorded = this.#upstream;
    this.#invalidAnswer();
  };

  /** Sends the status line and end-to-end headers of `up`; false when they cannot be sent. */
  #writeHead(status: number, up: IncomingMessage): boolean {
    if (status < 100 || status > 999) return false;
    try {
      this.res.writeHead(status, up.statusMessage, endToEndHeaders(up.rawHeaders));
      return true;
    } catch {
      return false; // a header value or reason phrase node will not write
    }
  }

  /** Step 2 on an answer that cannot be passed on: 502 (or a cut connection once headers went out). */
  #invalidAnswer(): void {
    this.#out = undefined; // the upstream's later errors are no longer this request's
    if (this.res.headersSent) this.res.destroy();
    else this.#badGateway("pitcrew: invalid upstream answer\n");
  }

  /** Answers 502 with `message` (and its own reason phrase: not one a failed `writeHead` left behind). */
  #badGateway(message: string): void {
    this.#status = 502;
    this.res.writeHead(502, "Bad Gateway", { "content-type": "text/plain" }).end(message);
  }

  /** Steps 3 and 4: the attempt on `out` failed with `error`. */
  #failed(out: ClientRequest, error: NodeJS.ErrnoException): void {
    const { res } = this;
    if (out !== this.#out || this.#finished) return;
    if (res.headersSent) {
      res.destroy(); // step 4
      return;
    }
    if (this.#retryable && !this.#retried) {
      const stale = out.reusedSocket && STALE_CONNECTION.has(error.code ?? "");
      const next = (stale || error.code === "ECONNREFUSED") && this.repick(this.#upstream, stale);
      if (next) {
        this.#retried = true;
        this.#upstream = next;
        this.send(false);
        return;
      }
    }
    this.#badGateway("pitcrew: upstream unavailable\n");
  }

  #onClose = (): void => {
    if (!this.res.writableFinished) this.#out?.destroy(); // the client left before the answer was complete
    this.#finish(this.res.headersSent ? this.#status || 502 : CLIENT_CLOSED);
  };

  #finish(status: number): void {
    if (this.#finished) return;
    this.#finished = true;
    this.done(status, this.#recorded);
  }
}
