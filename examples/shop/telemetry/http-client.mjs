/**
 * Calls another shop service over HTTP with JSON: a per-call timeout, retries of idempotent
 * calls that found the peer unavailable, a client span (`peer.service`) and the trace context
 * passed on in `traceparent`. Outcomes are counted in `upstream_requests_total`.
 */
import { HttpError } from "./http-service.mjs";

/** Why a call got no usable answer: `kind` is `timeout` or `unavailable`. */
export class UpstreamError extends HttpError {
  constructor(kind, message, fields) {
    super(kind === "timeout" ? 504 : 502, message, fields);
    this.name = "UpstreamError";
    this.kind = kind;
  }
}

const RETRYABLE_STATUS = new Set([502, 503]);

const parseBody = (text) => {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return { text };
  }
};

/**
 * Calls `method baseUrl+path` and resolves `{status, body}` (any status); throws UpstreamError on
 * a timeout or a connection failure. `ctx` is the handler context (span, tracer, metrics);
 * `timeoutKey` names the setting the timeout came from, for the log line.
 */
export async function callService(
  ctx,
  { peer, baseUrl, method = "GET", path, body, timeoutMs, retries = 0, timeoutKey },
) {
  const outcomes = ctx.metrics.counter("upstream_requests_total", "Calls to other services, by peer and outcome.");
  const attempts = method === "GET" ? retries + 1 : 1;
  for (let attempt = 1; ; attempt++) {
    const span = ctx.tracer.startSpan(`${method} ${peer}`, {
      kind: "client",
      parent: ctx.span,
      attributes: { "peer.service": peer, "http.request.method": method, "url.path": path, attempt },
    });
    try {
      const res = await fetch(baseUrl + path, {
        method,
        headers: { "content-type": "application/json", traceparent: span.traceparent() },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      span.setAttribute("http.response.status_code", res.status);
      span.end({ error: res.status >= 500 ? `status ${res.status}` : undefined });
      if (RETRYABLE_STATUS.has(res.status) && attempt < attempts) continue;
      outcomes.inc({ peer, outcome: res.status >= 500 ? "error" : "ok" });
      return { status: res.status, body: parseBody(text) };
    } catch (err) {
      const timedOut = err?.name === "TimeoutError";
      span.end({ error: timedOut ? "timeout" : String(err?.cause?.code ?? err?.message ?? err) });
      if (!timedOut && attempt < attempts) continue;
      outcomes.inc({ peer, outcome: timedOut ? "timeout" : "unavailable" });
      const where = `${peer} ${method} ${path}`;
      if (timedOut)
        throw new UpstreamError(
          "timeout",
          `${where} timed out after ${timeoutMs} ms${timeoutKey ? ` (${timeoutKey}=${timeoutMs})` : ""}`,
          {
            peer,
            timeout_ms: timeoutMs,
            ...(timeoutKey && { config_key: timeoutKey }),
          },
        );
      throw new UpstreamError("unavailable", `${where} failed: ${err?.cause?.code ?? err?.message ?? err}`, { peer });
    }
  }
}
