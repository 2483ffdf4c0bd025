/**
 * Forwards one client request to an upstream. Protocol:
 *
 *   1. Send method, path and rewritten headers to `upstream` over the keep-alive agent and
 *      stream the client body into it.
 *   2. Upstream answers → stream status, end-to-end headers and body back; done when the client
 *      response finishes (or the client goes away, which aborts the upstream request).
 *   3. Connection fails before any response byte → if the request is retryable (idempotent
 *      method, no body) and a `retry` upstream exists, go to 1 once with it; else answer 502.
 *   4. The upstream breaks mid-response → the client connection is destroyed (the status line
 *      is already sent, a clean error is impossible).
 *
 * With a `tap`, the request and response bodies are copied into it as they stream through (for
 * the exchange log) and its `contentType` is set from the answer.
 */
import { type Agent, type IncomingMessage, type ServerResponse, request } from "node:http";
import type { BodyTap } from "../exchange-log.js";
import { endToEndHeaders, upstreamHeaders } from "./hop-headers.js";

/** Where `forward` copies the bodies of one exchange. */
export interface ForwardTap {
  request: BodyTap;
  response: BodyTap;
  contentType?: string;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** True when `req` may be sent a second time: idempotent and without a body. */
export function isRetryable(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  const bodyless = req.headers["transfer-encoding"] === undefined && (length === undefined || length === "0");
  return IDEMPOTENT.has(req.method ?? "") && bodyless;
}

/** Forwards `req` to `upstream` (falling back to `retry` once); resolves with the status sent. */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  agent: Agent,
  upstream: string,
  retry: string | undefined,
  tap?: ForwardTap,
): Promise<number> {
  return new Promise((resolve) => {
    const [host, port] = splitAddress(upstream);
    const out = request({ host, port, method: req.method, path: req.url, headers: upstreamHeaders(req), agent });
    const onClientGone = () => {
      if (!res.writableFinished) out.destroy(); // the client left before the answer was complete
    };
    res.once("close", onClientGone);
    out.on("response", (up) => {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, endToEndHeaders(up.headers));
      if (tap) {
        tap.contentType = up.headers["content-type"];
        up.on("data", (chunk: Buffer) => tap.response.push(chunk));
      }
      up.pipe(res);
      up.on("error", () => res.destroy());
      res.once("finish", () => resolve(up.statusCode ?? 502));
      res.once("close", () => resolve(up.statusCode ?? 502));
    });
    out.on("error", () => {
      res.off("close", onClientGone);
      if (res.headersSent) {
        res.destroy();
        resolve(502);
      } else if (retry !== undefined && isRetryable(req)) {
        resolve(forward(req, res, agent, retry, undefined, tap));
      } else {
        res.writeHead(502, { "content-type": "text/plain" }).end("pitcrew: upstream unavailable\n");
        resolve(502);
      }
    });
    if (isRetryable(req)) out.end();
    else {
      if (tap) req.on("data", (chunk: Buffer) => tap.request.push(chunk));
      req.pipe(out);
    }
  });
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(":");
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}
