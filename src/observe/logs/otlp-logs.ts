import * as z from "zod";
import { ValidationError } from "../../common/errors.js";
import type { LogRecord } from "../../store/index.js";
import { asText, capAttributes, capMessage, normalizeLevel, otlpSeverityLevel, parseHexId } from "./log-fields.js";
import {
  anyValueSchema,
  describeIssues,
  fromAnyValue,
  fromAttributes,
  keyValueSchema,
  nanosToMs,
  resourceSchema,
  unixNanoSchema,
} from "./otlp-values.js";

const logRecordSchema = z.object({
  timeUnixNano: unixNanoSchema.optional(),
  observedTimeUnixNano: unixNanoSchema.optional(),
  severityNumber: z.number().int().min(0).max(24).optional(),
  severityText: z.string().max(64).optional(),
  body: anyValueSchema.optional(),
  attributes: z.array(keyValueSchema).optional(),
  traceId: z.string().optional(),
  spanId: z.string().optional(),
});

/** Schema of an OTLP/HTTP JSON `ExportLogsServiceRequest`. */
export const exportLogsSchema = z.object({
  resourceLogs: z
    .array(
      z.object({
        resource: resourceSchema,
        scopeLogs: z.array(z.object({ logRecords: z.array(logRecordSchema).optional() })).optional(),
      }),
    )
    .default([]), // an empty export may leave it out (OTLP omits empty repeated fields)
});

/**
 * Reads an OTLP/HTTP JSON logs export into records (`service.name` from the resource); throws a
 * ValidationError naming the first failing paths, so an invalid export stores nothing.
 */
export function parseOtlpLogs(body: unknown, now: number): LogRecord[] {
  const parsed = exportLogsSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(`invalid OTLP logs: ${describeIssues(parsed.error, "body")}`);
  const out: LogRecord[] = [];
  parsed.data.resourceLogs.forEach((rl, i) => {
    const resource = fromAttributes(rl.resource?.attributes);
    const service = typeof resource["service.name"] === "string" ? resource["service.name"] : "unknown_service";
    rl.scopeLogs?.forEach((sl, j) => {
      sl.logRecords?.forEach((r, k) => {
        const at = `body.resourceLogs.${i}.scopeLogs.${j}.logRecords.${k}`;
        try {
          out.push({
            at: nanosToMs(r.timeUnixNano) ?? nanosToMs(r.observedTimeUnixNano) ?? now,
            service,
            level: r.severityText ? normalizeLevel(r.severityText) : otlpSeverityLevel(r.severityNumber ?? 0),
            message: capMessage(asText(fromAnyValue(r.body))),
            traceId: parseHexId(r.traceId, "trace"),
            spanId: parseHexId(r.spanId, "span"),
            attributes: capAttributes(fromAttributes(r.attributes)),
            source: "otlp",
          });
        } catch (err) {
          throw new ValidationError(`invalid OTLP logs: ${at}: ${(err as Error).message}`);
        }
      });
    });
  });
  return out;
}
