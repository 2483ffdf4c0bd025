"""An instrumented HTTP service for the shop: routes like ``("POST", "/quote", handler)`` get JSON
in and out; ``/healthz`` (liveness), ``/readyz`` (readiness) and ``/metrics`` (Prometheus text) are
built in. Every routed request is counted in ``http_requests_total`` and timed in
``http_request_duration_seconds`` (labels method, route, status), runs in a server span that
continues the caller's ``traceparent``, and an unhandled exception becomes a 500 plus an error
log line carrying the full traceback and the request.

A handler receives a ``Request`` and returns ``(status, body)`` or just a body (status 200); it
raises ``HttpError`` for an answer other than 200 that is not a bug. ``dispatch`` answers a request
without a socket, so tests can call the service directly.
"""
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from .log import JsonLogger, error_field
from .metrics import Metrics
from .tracing import Tracer, parse_traceparent

MAX_BODY_BYTES = 1_000_000


class HttpError(Exception):
    """An expected failure with the status to answer."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Request:
    """What a handler sees: path parameters, query, parsed JSON body, headers and the server span."""

    def __init__(self, params, query, body, headers, span):
        self.params, self.query, self.body, self.headers, self.span = params, query, body, headers, span


def _match(routes, method, path):
    segments = [s for s in path.split("/") if s]
    allowed = False
    for route_method, pattern, handler in routes:
        parts = [p for p in pattern.split("/") if p]
        if len(parts) != len(segments):
            continue
        params = {}
        for part, segment in zip(parts, segments):
            if part.startswith(":"):
                params[part[1:]] = unquote(segment)
            elif part != segment:
                break
        else:
            if route_method == method:
                return pattern, handler, params
            allowed = True
    return None, None, allowed


class HttpService:
    """A service answering ``routes``; ``make_server`` puts it on a socket."""

    def __init__(self, service, version, routes, otlp_endpoint=None, log_write=None, is_ready=lambda: True):
        self.logger = JsonLogger(service, log_write)
        self.tracer = Tracer(service, version, otlp_endpoint)
        self.metrics = Metrics()
        self.metrics.set("build_info", "The running version of the service.", {"version": version}, 1)
        self._routes, self._is_ready = routes, is_ready

    def dispatch(self, method, target, headers=None, body=b""):
        """Answers one request: returns ``(status, content_type, body_bytes)``."""
        headers = headers or {}
        url = urlsplit(target)
        if method == "GET" and url.path == "/healthz":
            return _json(200, {"status": "ok"})
        if method == "GET" and url.path == "/readyz":
            ready = self._is_ready()
            return _json(200 if ready else 503, {"status": "ready" if ready else "not ready"})
        if method == "GET" and url.path == "/metrics":
            return 200, "text/plain; version=0.0.4", self.metrics.render().encode()

        started = time.perf_counter()
        route, handler, found = _match(self._routes, method, url.path)
        route_name = route or "unmatched"
        span = self.tracer.start_span(
            "%s %s" % (method, route_name),
            kind="server",
            parent=parse_traceparent(headers.get("traceparent")),
            attributes={"http.request.method": method, "http.route": route_name, "url.path": url.path},
        )
        status, failure = 500, None
        try:
            if handler is None:
                raise HttpError(405 if found else 404, "no route for %s %s" % (method, url.path))
            request = Request(found, parse_qs(url.query), _parse_body(body), headers, span)
            out = handler(request)
            status, payload = out if isinstance(out, tuple) else (200, out)
            return _json(status, payload)
        except HttpError as err:
            status = err.status
            return _json(status, {"error": {"code": "request_failed", "message": str(err)}})
        except Exception as exc:  # noqa: BLE001 — any bug becomes a 500 and a logged traceback
            status, failure = 500, exc
            self.logger.error(
                "unhandled error in %s %s: %s" % (method, route_name, exc),
                method=method, route=route_name, path=url.path, status=500,
                trace_id=span.trace_id, span_id=span.span_id, err=error_field(exc),
            )
            return _json(500, {"error": {"code": "internal_error", "message": "internal server error"}})
        finally:
            span.attributes["http.response.status_code"] = status
            span.end(error=failure)
            labels = {"method": method, "route": route_name, "status": str(status)}
            self.metrics.inc("http_requests_total", "HTTP requests handled, by route and status.", labels)
            self.metrics.observe(
                "http_request_duration_seconds", "Time to answer an HTTP request, in seconds.",
                labels, time.perf_counter() - started,
            )

    def make_server(self, host, port):
        """A threading HTTP server (not yet serving) that answers with ``dispatch``."""
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                length = int(self.headers.get("content-length") or 0)
                if length > MAX_BODY_BYTES:
                    status, kind, data = _json(413, {"error": {"message": "request body too large"}})
                else:
                    body = self.rfile.read(length) if length else b""
                    status, kind, data = service.dispatch(self.command, self.path, dict(self.headers.items()), body)
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args):  # access lines would flood the JSON log
                pass

        return ThreadingHTTPServer((host, port), Handler)


def _parse_body(body):
    if not body or not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError:
        raise HttpError(400, "request body is not valid JSON") from None


def _json(status, payload):
    return status, "application/json", json.dumps(payload).encode()
