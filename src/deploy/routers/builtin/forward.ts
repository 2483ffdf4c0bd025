/**
 * Forwards one client request to an upstream. Protocol:
 *
 *   1. Send method, path and rewritten headers to `upstream` over its keep-alive pool and
 *      stream the client body into it.
 *   2. Upstream answers → stream status, end-to-end headers and body back; done when the client
 *      response is ended (or the client goes away, which aborts the upstream request).
 *   3. Connection fails before any response byte → if the request is retryable (idempotent
 *      method, no body) and a `retry` upstream exists, go to 1 once with it; else answer 502.
 *   4. The upstream breaks mid-response → the client connection is destroyed (the status line
 *      is already sent, a clean error is impossible).
 *
 * With a `tap`, the request and response bodies are copied into it as they stream through (for
 * the exchange log) and its `contentType` is set from the answer.
 *
 * The hot path allocates one `Forwarding` (the undici dispatch handler, whose methods live on
 * the prototype), the upstream header list and one listener for the client going away; headers
 * stay in node's and undici's raw forms.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { PassThrough } from "node:stream";
import type { Dispatcher, Pool } from "undici";
import type { BodyTap } from "../exchange-log.js";
import { endToEndHeaders, rawHeader, upstreamHeaders } from "./hop-headers.js";

/** Where `forward` copies the bodies of one exchange. */
export interface ForwardTap {
  request: BodyTap;
  response: BodyTap;
  contentType?: string;
}

/** An upstream: its address (`host:port`) and its connection pool. */
export interface Upstream {
  address: string;
  pool: Pool;
}

/** Called once per forwarded request with the status sent to the client. */
export type ForwardDone = (status: number) => void;

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** True when `req` may be sent a second time: idempotent and without a body. */
export function isRetryable(req: IncomingMessage): boolean {
  if (!IDEMPOTENT.has(req.method ?? "")) return false;
  const length = rawHeader(req.rawHeaders, "content-length");
  return rawHeader(req.rawHeaders, "transfer-encoding") === undefined && (length === undefined || length === "0");
}

/** Forwards `req` to `upstream` (falling back to `retry` once); calls `done` once with the status sent. */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: Upstream,
  retry: Upstream | undefined,
  tap: ForwardTap | undefined,
  done: ForwardDone,
): void {
  new Forwarding(req, res, retry, tap, done).send(upstream);
}

/** One request on its way through (the undici dispatch handler of each attempt). */
class Forwarding implements Dispatcher.DispatchHandler {
  readonly #retryable: boolean;
  #retry: Upstream | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #body: PassThrough | undefined;
  #status = 0;
  #finished = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    retry: Upstream | undefined,
    private readonly tap: ForwardTap | undefined,
    private readonly done: ForwardDone,
  ) {
    this.#retryable = isRetryable(req);
    this.#retry = retry;
    res.once("close", () => {
      if (!res.writableFinished) this.#controller?.abort(new Error("client went away"));
      this.#finish(this.#status || 502);
    });
  }

  /** Step 1: dispatch the request to `upstream`. */
  send(upstream: Upstream): void {
    const { req } = this;
    try {
      upstream.pool.dispatch(
        {
          path: req.url ?? "/",
          method: req.method ?? "GET",
          headers: upstreamHeaders(req, upstream.address),
          body: this.#retryable ? null : this.#bodyOf(),
        },
        this,
      );
    } catch (err) {
      this.onResponseError(undefined, err as Error); // e.g. a request target undici refuses
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#finished) controller.abort(new Error("client went away"));
  }

  /** Step 2: the answer's head (1xx answers are interim and skipped, as node's client does). */
  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    if (status < 200 || this.#finished) return;
    const { res, tap } = this;
    try {
      res.writeHead(status, statusMessage, endToEndHeaders(headers));
    } catch {
      controller.abort(new Error("upstream answered headers node cannot send")); // step 3's 502
      return;
    }
    this.#status = status;
    const type = headers["content-type"];
    if (tap) tap.contentType = Array.isArray(type) ? type[0] : type;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.tap?.response.push(chunk);
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once("drain", () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.res.end();
    this.#finish(this.#status);
  }

  /** Steps 3 and 4. */
  onResponseError(_controller: unknown, _err: Error): void {
    const { res } = this;
    if (this.#finished) return;
    this.#body?.destroy(); // the rest of the client's body drains (see #bodyOf)
    if (res.headersSent) {
      res.destroy(); // step 4
      this.#finish(this.#status);
    } else if (this.#retry !== undefined && this.#retryable) {
      const retry = this.#retry;
      this.#retry = undefined;
      this.#controller = undefined;
      this.send(retry);
    } else {
      res.writeHead(502, { "content-type": "text/plain" }).end("pitcrew: upstream unavailable\n");
      this.#finish(502);
    }
  }

  /**
   * The request body for undici: a pass-through fed from the client request (copying into the
   * tap), so that an upstream failure destroys the copy, not the client's request, and the
   * client still gets its 502.
   */
  #bodyOf(): PassThrough {
    const { req, tap } = this;
    const body = new PassThrough();
    this.#body = body;
    req.on("data", (chunk: Buffer) => {
      tap?.request.push(chunk);
      if (!body.write(chunk)) {
        req.pause();
        body.once("drain", () => req.resume());
      }
    });
    req.once("end", () => body.end());
    body.once("close", () => req.resume()); // upstream gone: let node drain the rest
    return body;
  }

  #finish(status: number): void {
    if (this.#finished) return;
    this.#finished = true;
    this.done(status);
  }
}
