import type { App } from "../app/app.js";
import { type OtlpPartialSuccess, type OtlpSignal, parseOtlpLogs, parseOtlpSpans } from "../observe/index.js";

/**
 * Stores one OTLP export, already in the OTLP/JSON shape, whichever transport brought it
 * (OTLP/HTTP with JSON or protobuf, OTLP/gRPC); answers what it refused (undefined when nothing).
 * A malformed logs or traces export is a ValidationError and stores nothing.
 */
export async function exportOtlp(app: App, signal: OtlpSignal, json: unknown): Promise<OtlpPartialSuccess | undefined> {
  if (signal === "logs") {
    await app.observation.logs.ingest(parseOtlpLogs(json, app.clock.now()), "otlp");
    return undefined;
  }
  if (signal === "traces") {
    const spans = parseOtlpSpans(json);
    if (spans.length > 0 && (await app.store.spans.insertMany(spans)) > 0) app.observation.topology.notify();
    return undefined;
  }
  return app.observation.otlpMetrics.ingest(json);
}
