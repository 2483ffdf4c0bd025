import * as z from "zod";
import { ValidationError } from "../../common/errors.js";
import type { Span, SpanKind } from "../../store/index.js";
import { capAttributes } from "../logs/log-fields.js";
import {
  describeIssues,
  fromAttributes,
  keyValueSchema,
  nanos,
  nanosToMs,
  resourceSchema,
  unixNanoSchema,
} from "../logs/otlp-values.js";

const KINDS: SpanKind[] = ["unspecified", "internal", "server", "client", "producer", "consumer"];
const hex = (len: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${len}}$`), `${len} hex digits`);

const spanSchema = z.object({
  traceId: hex(32),
  spanId: hex(16),
  parentSpanId: z.union([hex(16), z.literal("")]).optional(),
  name: z.string().max(1000).default(""),
  kind: z.union([z.number().int().min(0).max(5), z.enum(KINDS.map((k) => `SPAN_KIND_${k.toUpperCase()}`))]).optional(),
  startTimeUnixNano: unixNanoSchema,
  endTimeUnixNano: unixNanoSchema,
  attributes: z.array(keyValueSchema).optional(),
  status: z
    .object({ code: z.union([z.number().int().min(0).max(2), z.string()]).optional(), message: z.string().optional() })
    .optional(),
});

/** Schema of an OTLP/HTTP JSON `ExportTraceServiceRequest`. */
export const exportTracesSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: resourceSchema,
        scopeSpans: z.array(z.object({ spans: z.array(spanSchema).optional() })).optional(),
      }),
    )
    .default([]), // an empty export may leave it out (OTLP omits empty repeated fields)
});

const PEER_KEYS = ["peer.service", "server.address", "net.peer.name"];

/**
 * Reads an OTLP/HTTP JSON traces export into spans (`service.name` from the resource; status
 * code 2 is an error; a client or producer span's `peer.service`/`server.address` names its
 * callee); throws a ValidationError naming the failing path, so an invalid export stores nothing.
 */
export function parseOtlpSpans(body: unknown): Span[] {
  const parsed = exportTracesSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(`invalid OTLP traces: ${describeIssues(parsed.error, "body")}`);
  const out: Span[] = [];
  parsed.data.resourceSpans.forEach((rs, i) => {
    const resource = fromAttributes(rs.resource?.attributes);
    const service = typeof resource["service.name"] === "string" ? resource["service.name"] : "unknown_service";
    rs.scopeSpans?.forEach((ss, j) => {
      ss.spans?.forEach((s, k) => {
        const start = nanos(s.startTimeUnixNano);
        const end = nanos(s.endTimeUnixNano);
        if (end < start) {
          throw new ValidationError(
            `invalid OTLP traces: body.resourceSpans.${i}.scopeSpans.${j}.spans.${k}: endTimeUnixNano is before startTimeUnixNano`,
          );
        }
        const kind =
          typeof s.kind === "number"
            ? KINDS[s.kind]!
            : ((s.kind?.slice(10).toLowerCase() ?? "unspecified") as SpanKind);
        const attributes = fromAttributes(s.attributes);
        const peer = PEER_KEYS.map((key) => attributes[key]).find((v) => typeof v === "string" && v !== "");
        const code = s.status?.code;
        out.push({
          traceId: s.traceId.toLowerCase(),
          spanId: s.spanId.toLowerCase(),
          parentSpanId: s.parentSpanId ? s.parentSpanId.toLowerCase() : null,
          service,
          name: s.name,
          kind,
          startAt: nanosToMs(s.startTimeUnixNano) ?? 0,
          durationUs: Number((end - start) / 1000n),
          error: code === 2 || code === "STATUS_CODE_ERROR",
          peerService: kind === "client" || kind === "producer" ? ((peer as string | undefined) ?? null) : null,
          attributes: capAttributes(attributes),
        });
      });
    });
  });
  return out;
}
