/**
 * OTLP protobuf messages — OTLP/HTTP bodies (`application/x-protobuf`, the OpenTelemetry SDKs'
 * default) and OTLP/gRPC messages alike — turned into the OTLP/JSON shape the JSON ingest already
 * validates: ids as hex, 64-bit times and integers as decimal strings, enums as numbers,
 * `bytesValue` as base64. Everything after that (validation, limits, storage) is the JSON path's.
 * The export responses (with OTLP's partial success) are written here too, as JSON or protobuf.
 */
import protobuf from "protobufjs";
import { ValidationError } from "../../common/errors.js";
import { OTLP_DESCRIPTOR } from "./otlp-descriptor.js";

/** Which export request a body holds. */
export type OtlpSignal = "traces" | "logs" | "metrics";

const root = protobuf.Root.fromJSON(OTLP_DESCRIPTOR);
const REQUEST: Record<OtlpSignal, protobuf.Type> = {
  traces: root.lookupType("otlp.ExportTraceServiceRequest"),
  logs: root.lookupType("otlp.ExportLogsServiceRequest"),
  metrics: root.lookupType("otlp.ExportMetricsServiceRequest"),
};
const RESPONSE: Record<OtlpSignal, protobuf.Type> = {
  traces: root.lookupType("otlp.ExportTraceServiceResponse"),
  logs: root.lookupType("otlp.ExportLogsServiceResponse"),
  metrics: root.lookupType("otlp.ExportMetricsServiceResponse"),
};
const REJECTED: Record<OtlpSignal, string> = {
  traces: "rejectedSpans",
  logs: "rejectedLogRecords",
  metrics: "rejectedDataPoints",
};

/** What an export refused while accepting the rest (OTLP's partial success). */
export interface OtlpPartialSuccess {
  rejected: number;
  message: string;
}
const HEX_IDS = new Set(["traceId", "spanId", "parentSpanId"]);

/** The message type of a signal's export request (tests encode with it). */
export function otlpRequestType(signal: OtlpSignal): protobuf.Type {
  return REQUEST[signal];
}

/** The message type of a signal's export response (tests decode with it). */
export function otlpResponseType(signal: OtlpSignal): protobuf.Type {
  return RESPONSE[signal];
}

/**
 * An export response in the OTLP/JSON shape: `{}` when everything was accepted, else
 * `{partialSuccess: {rejected<Items>, errorMessage}}` as the specification names the fields.
 */
export function otlpResponseJson(signal: OtlpSignal, partial?: OtlpPartialSuccess): Record<string, unknown> {
  if (!partial) return {};
  return { partialSuccess: { [REJECTED[signal]]: partial.rejected, errorMessage: partial.message } };
}

/** The same export response as protobuf bytes (zero bytes when everything was accepted). */
export function encodeOtlpResponse(signal: OtlpSignal, partial?: OtlpPartialSuccess): Uint8Array {
  const type = RESPONSE[signal];
  return type.encode(type.fromObject(otlpResponseJson(signal, partial))).finish();
}

/** Decodes an OTLP export request; a malformed body is a ValidationError naming the problem. */
export function decodeOtlpProtobuf(signal: OtlpSignal, body: Uint8Array): unknown {
  let message: protobuf.Message;
  try {
    message = REQUEST[signal].decode(body);
  } catch (err) {
    throw new ValidationError(`invalid OTLP protobuf ${signal} body: ${(err as Error).message}`);
  }
  const plain = REQUEST[signal].toObject(message, { longs: String, enums: Number, bytes: String, defaults: false });
  return hexIds(plain);
}

/** Rewrites trace and span ids (base64 after toObject) as lower-case hex, as OTLP/JSON writes them. */
function hexIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hexIds);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = HEX_IDS.has(k) && typeof v === "string" ? Buffer.from(v, "base64").toString("hex") : hexIds(v);
  }
  return out;
}
