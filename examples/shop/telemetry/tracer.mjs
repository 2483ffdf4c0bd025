/**
 * Spans with W3C trace context, exported as OTLP/HTTP JSON to `$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces`
 * when an endpoint is given, with the headers of `$OTEL_EXPORTER_OTLP_HEADERS` (`key=value,…`,
 * values URL-encoded, as the OpenTelemetry specification says). Export is batched (every second or every 64 spans), never blocks a
 * request, and drops spans when the collector is unreachable: telemetry must not hurt the service.
 */
import { randomBytes } from "node:crypto";

const KIND = { internal: 1, server: 2, client: 3 };
const BATCH = 64;
const MAX_QUEUE = 4096;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

const nowNanos = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
const attribute = (key, value) => ({
  key,
  value: typeof value === "number" ? { intValue: String(Math.round(value)) } : { stringValue: String(value) },
});

/** Reads a `traceparent` header into `{traceId, spanId}`; undefined when absent or malformed. */
export function parseTraceparent(header) {
  const m = TRACEPARENT.exec(String(header ?? "").trim());
  if (!m || /^0+$/.test(m[1]) || /^0+$/.test(m[2])) return undefined;
  return { traceId: m[1], spanId: m[2] };
}

/** Reads `key=value,…` (values URL-encoded) into headers; malformed entries are skipped. */
export function parseOtlpHeaders(text) {
  const headers = {};
  for (const entry of String(text ?? "").split(",")) {
    const at = entry.indexOf("=");
    if (at < 1) continue;
    try {
      headers[entry.slice(0, at).trim().toLowerCase()] = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      // not URL-encoded properly: skip it
    }
  }
  return headers;
}

/** A tracer for `service`; spans are exported only when `endpoint` is set. */
export function createTracer({
  service,
  version,
  endpoint,
  headers = parseOtlpHeaders(process.env.OTEL_EXPORTER_OTLP_HEADERS),
  flushMs = 1000,
}) {
  const queue = [];
  const url = endpoint ? `${endpoint.replace(/\/+$/, "")}/v1/traces` : undefined;
  const resource = { attributes: [attribute("service.name", service), attribute("service.version", version)] };

  const flush = async () => {
    if (!url || queue.length === 0) return;
    const spans = queue.splice(0, queue.length);
    const body = JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: "shop" }, spans }] }] });
    await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(2000),
    }).then(
      (res) => res.body?.cancel(),
      () => undefined,
    );
  };
  const timer = url ? setInterval(flush, flushMs) : undefined;
  timer?.unref();

  /** Starts a span; `parent` is `{traceId, spanId}` (a new trace when absent). */
  const startSpan = (name, { kind = "internal", parent, attributes = {} } = {}) => {
    const traceId = parent?.traceId ?? randomBytes(16).toString("hex");
    const spanId = randomBytes(8).toString("hex");
    const start = nowNanos();
    const attrs = { ...attributes };
    return {
      traceId,
      spanId,
      /** The header that continues this span's trace in a call it makes. */
      traceparent: () => `00-${traceId}-${spanId}-01`,
      setAttribute(key, value) {
        attrs[key] = value;
      },
      /** Ends the span; `error` marks it failed (OTLP status code 2). */
      end({ error } = {}) {
        if (!url || queue.length >= MAX_QUEUE) return;
        queue.push({
          traceId,
          spanId,
          parentSpanId: parent?.spanId ?? "",
          name,
          kind: KIND[kind],
          startTimeUnixNano: String(start),
          endTimeUnixNano: String(nowNanos()),
          attributes: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
          status: error ? { code: 2, message: String(error) } : { code: 1 },
        });
        if (queue.length >= BATCH) void flush();
      },
    };
  };

  return {
    startSpan,
    flush,
    /** Exports what is queued and stops the timer. */
    async shutdown() {
      if (timer) clearInterval(timer);
      await flush();
    },
  };
}
