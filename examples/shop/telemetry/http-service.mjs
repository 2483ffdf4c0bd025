/**
 * An instrumented HTTP server for a shop service. Routes like `{method: "GET", path: "/carts/:id",
 * handler}` get JSON in and out; `/healthz` (liveness), `/readyz` (readiness) and `/metrics`
 * (Prometheus text) are built in. Every routed request is counted in `http_requests_total` and
 * timed in `http_request_duration_seconds` (labels method, route, status), runs in a server span
 * that continues the caller's `traceparent`, and an unhandled error becomes a 500 plus an error
 * log line carrying the full stack and the request.
 *
 * A handler receives `{params, query, body, headers, span, tracer, metrics, logger}` and returns
 * `{status?, body}`; it throws `HttpError` for an answer other than 200 that is not a bug.
 */
import { createServer } from "node:http";
import { createLogger, errorField } from "./logger.mjs";
import { createMetrics } from "./metrics.mjs";
import { createTracer, parseTraceparent } from "./tracer.mjs";

const MAX_BODY_BYTES = 1_000_000;

/** An expected failure with the status to answer; `fields` are added to the log line of a 5xx. */
export class HttpError extends Error {
  constructor(status, message, fields = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.fields = fields;
  }
}

const compile = (route) => {
  const parts = route.path.split("/").filter(Boolean);
  return { ...route, parts };
};

const match = (routes, method, pathname) => {
  const segments = pathname.split("/").filter(Boolean);
  let allowed = false;
  for (const route of routes) {
    if (route.parts.length !== segments.length) continue;
    const params = {};
    const ok = route.parts.every((p, i) => {
      if (p.startsWith(":")) {
        params[p.slice(1)] = decodeURIComponent(segments[i]);
        return true;
      }
      return p === segments[i];
    });
    if (!ok) continue;
    if (route.method === method) return { route, params };
    allowed = true;
  }
  return { allowed };
};

const readJson = async (req) => {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
};

const send = (res, status, body, type = "application/json") => {
  const text = type === "application/json" ? JSON.stringify(body) : body;
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text) });
  res.end(text);
};

/**
 * Creates the server (not listening). Options: `service`, `version`, `routes`, `otlpEndpoint`,
 * `logWrite` (where log lines go), `isReady()` for `/readyz`. The server's `telemetry` property
 * holds its `{logger, tracer, metrics}`; `shutdown()` closes it and flushes spans.
 */
export function createHttpService({ service, version, routes, otlpEndpoint, logWrite, isReady = () => true }) {
  const logger = createLogger(service, logWrite);
  const tracer = createTracer({ service, version, endpoint: otlpEndpoint });
  const metrics = createMetrics();
  const requests = metrics.counter("http_requests_total", "HTTP requests handled, by route and status.");
  const duration = metrics.histogram("http_request_duration_seconds", "Time to answer an HTTP request, in seconds.");
  metrics.gauge("build_info", "The running version of the service.").set({ version }, 1);
  const table = routes.map(compile);

  const handle = async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname === "/healthz") return send(res, 200, { status: "ok" });
    if (req.method === "GET" && url.pathname === "/readyz") {
      const ready = isReady();
      return send(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready" });
    }
    if (req.method === "GET" && url.pathname === "/metrics")
      return send(res, 200, metrics.render(), "text/plain; version=0.0.4");

    const started = performance.now();
    const found = match(table, req.method, url.pathname);
    const routeName = found.route?.path ?? "unmatched";
    const span = tracer.startSpan(`${req.method} ${routeName}`, {
      kind: "server",
      parent: parseTraceparent(req.headers.traceparent),
      attributes: { "http.request.method": req.method, "http.route": routeName, "url.path": url.pathname },
    });
    let status = 500;
    let failure;
    try {
      if (!found.route) throw new HttpError(found.allowed ? 405 : 404, `no route for ${req.method} ${url.pathname}`);
      const body = await readJson(req);
      const ctx = { params: found.params, query: url.searchParams, body, headers: req.headers, span };
      const out = await found.route.handler({ ...ctx, tracer, metrics, logger });
      status = out.status ?? 200;
      send(res, status, out.body ?? {});
    } catch (err) {
      status = err instanceof HttpError ? err.status : 500;
      failure = status >= 500 ? err : undefined;
      const log = { method: req.method, route: routeName, path: url.pathname, status };
      const ids = { trace_id: span.traceId, span_id: span.spanId };
      if (!(err instanceof HttpError))
        logger.error(`unhandled error in ${req.method} ${routeName}: ${err?.message ?? err}`, {
          ...log,
          ...ids,
          err: errorField(err),
        });
      else if (status >= 500) logger.error(err.message, { ...log, ...ids, ...err.fields });
      const code = err instanceof HttpError ? "request_failed" : "internal_error";
      const message = err instanceof HttpError ? err.message : "internal server error";
      if (!res.headersSent) send(res, status, { error: { code, message } });
      else res.destroy();
    } finally {
      span.setAttribute("http.response.status_code", status);
      span.end({ error: failure?.message });
      const labels = { method: req.method, route: routeName, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, (performance.now() - started) / 1000);
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  server.telemetry = { logger, tracer, metrics };
  server.shutdown = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections?.();
    }).then(() => tracer.shutdown());
  return server;
}
