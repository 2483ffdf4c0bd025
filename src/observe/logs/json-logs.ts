import { ValidationError } from "../../common/errors.js";
import type { LogRecord } from "../../store/index.js";
import { asText, capAttributes, capMessage, normalizeLevel, parseHexId, parseTime } from "./log-fields.js";

/** Where a JSON log field can be found, by the names loggers commonly use. */
const TIME = ["time", "ts", "timestamp", "@timestamp"];
const LEVEL = ["level", "severity", "lvl"];
const MESSAGE = ["msg", "message"];
const KNOWN = new Set([...TIME, ...LEVEL, ...MESSAGE, "service", "trace_id", "traceId", "span_id", "spanId"]);

/** Defaults for fields a record leaves out. */
export interface JsonLogDefaults {
  service: string;
  now: number;
  source: LogRecord["source"];
}

/** A record that could not be read: its 1-based position and what is wrong. */
export interface LogProblem {
  line: number;
  message: string;
}

const first = (o: Record<string, unknown>, keys: string[]) => {
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
};

/** Reads one JSON log object (pino, bunyan, zap, logrus, … field names); throws a message when invalid. */
export function fromJsonObject(value: unknown, d: JsonLogDefaults): LogRecord {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not a JSON object");
  const o = value as Record<string, unknown>;
  const service = o.service ?? d.service;
  if (typeof service !== "string" || service === "" || service.length > 200) {
    throw new Error("service must be a non-empty string (up to 200 characters)");
  }
  const attributes: Record<string, unknown> = {};
  for (const k in o) if (!KNOWN.has(k)) attributes[k] = o[k];
  return {
    at: parseTime(first(o, TIME)) ?? d.now,
    service,
    level: normalizeLevel(first(o, LEVEL)),
    message: capMessage(asText(first(o, MESSAGE))),
    traceId: parseHexId(o.trace_id ?? o.traceId, "trace"),
    spanId: parseHexId(o.span_id ?? o.spanId, "span"),
    attributes: capAttributes(attributes),
    source: d.source,
  };
}

/**
 * Reads a request of JSON log records, either newline-delimited text or an already parsed JSON
 * array; all-or-nothing: any unreadable record makes it throw a ValidationError listing the first
 * problems (line numbers from 1), so nothing of the request is stored.
 */
export function parseJsonLogs(body: string | unknown[], d: JsonLogDefaults): LogRecord[] {
  const records: LogRecord[] = [];
  const problems: LogProblem[] = [];
  let invalid = 0;
  const add = (line: number, read: () => unknown) => {
    try {
      records.push(fromJsonObject(read(), d));
    } catch (err) {
      invalid++;
      if (problems.length < 10) problems.push({ line, message: (err as Error).message });
    }
  };
  if (Array.isArray(body)) {
    body.forEach((v, i) => {
      add(i + 1, () => v);
    });
  } else {
    const lines = body.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!.trim();
      if (text !== "") add(i + 1, () => JSON.parse(text));
    }
  }
  if (invalid > 0) {
    throw new ValidationError(
      `${invalid} invalid log record(s), nothing stored: ${problems.map((p) => `line ${p.line}: ${p.message}`).join("; ")}`,
      { invalid, problems },
    );
  }
  return records;
}
