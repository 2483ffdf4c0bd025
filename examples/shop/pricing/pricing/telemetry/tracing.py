"""Spans with W3C trace context, exported as OTLP/HTTP JSON to ``$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces``
when an endpoint is given. A background thread sends batches every second; export never blocks a
request and drops spans when the collector is unreachable."""
import json
import os
import re
import secrets
import threading
import time
import urllib.parse
import urllib.request

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")
_KIND = {"internal": 1, "server": 2, "client": 3}
_MAX_QUEUE = 4096


def parse_traceparent(header):
    """Reads a ``traceparent`` header into ``(trace_id, span_id)``; None when absent or malformed."""
    m = _TRACEPARENT.match((header or "").strip())
    if not m or set(m.group(1)) == {"0"} or set(m.group(2)) == {"0"}:
        return None
    return m.group(1), m.group(2)


def _attribute(key, value):
    if isinstance(value, int) and not isinstance(value, bool):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": str(value)}}


class Span:
    """One operation; ``end(error=None)`` queues it for export."""

    def __init__(self, tracer, name, kind, parent, attributes):
        self._tracer = tracer
        self.trace_id = parent[0] if parent else secrets.token_hex(16)
        self.span_id = secrets.token_hex(8)
        self._parent_span_id = parent[1] if parent else ""
        self._name, self._kind, self._start = name, kind, time.time_ns()
        self.attributes = dict(attributes)

    def end(self, error=None):
        self._tracer._queue_span({
            "traceId": self.trace_id,
            "spanId": self.span_id,
            "parentSpanId": self._parent_span_id,
            "name": self._name,
            "kind": _KIND[self._kind],
            "startTimeUnixNano": str(self._start),
            "endTimeUnixNano": str(time.time_ns()),
            "attributes": [_attribute(k, v) for k, v in self.attributes.items()],
            "status": {"code": 2, "message": str(error)} if error else {"code": 1},
        })


def parse_otlp_headers(text):
    """Reads ``key=value,...`` (values URL-encoded, as ``$OTEL_EXPORTER_OTLP_HEADERS``) into a dict."""
    headers = {}
    for entry in (text or "").split(","):
        key, sep, value = entry.partition("=")
        if sep and key.strip():
            headers[key.strip().lower()] = urllib.parse.unquote(value.strip())
    return headers


class Tracer:
    """Makes spans for ``service``; exports them only when ``endpoint`` is set, with the headers
    of ``$OTEL_EXPORTER_OTLP_HEADERS`` unless ``headers`` is given."""

    def __init__(self, service, version, endpoint=None, flush_seconds=1.0, headers=None):
        self._url = endpoint.rstrip("/") + "/v1/traces" if endpoint else None
        self._headers = parse_otlp_headers(os.environ.get("OTEL_EXPORTER_OTLP_HEADERS")) if headers is None else headers
        self._resource = {"attributes": [_attribute("service.name", service), _attribute("service.version", version)]}
        self._queue, self._lock, self._stop = [], threading.Lock(), threading.Event()
        if self._url:
            self._thread = threading.Thread(target=self._run, args=(flush_seconds,), daemon=True)
            self._thread.start()

    def start_span(self, name, kind="internal", parent=None, attributes=()):
        """Starts a span; ``parent`` is ``(trace_id, span_id)`` (a new trace when None)."""
        return Span(self, name, kind, parent, dict(attributes))

    def _queue_span(self, span):
        if not self._url:
            return
        with self._lock:
            if len(self._queue) < _MAX_QUEUE:
                self._queue.append(span)

    def flush(self):
        """Sends what is queued; errors are ignored (telemetry must not hurt the service)."""
        with self._lock:
            spans, self._queue = self._queue, []
        if not spans or not self._url:
            return
        body = {"resourceSpans": [{"resource": self._resource, "scopeSpans": [{"scope": {"name": "shop"}, "spans": spans}]}]}
        request = urllib.request.Request(
            self._url,
            data=json.dumps(body).encode(),
            headers={**self._headers, "content-type": "application/json"},
            method="POST",
        )
        try:
            urllib.request.urlopen(request, timeout=2).close()
        except Exception:  # noqa: BLE001 — a collector that is down must not stop the service
            pass

    def _run(self, flush_seconds):
        while not self._stop.wait(flush_seconds):
            self.flush()

    def shutdown(self):
        """Stops the export thread after a last flush."""
        self._stop.set()
        self.flush()
