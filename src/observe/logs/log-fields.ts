/**
 * Normalisation of log fields shared by every ingest path: levels, timestamps, trace ids and the
 * size caps (a message over 64 KiB is cut and marked, attributes over 64 KiB are replaced by a note).
 */

/** Known levels, least severe first. */
export const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

/** Largest message kept, in UTF-8 bytes; longer ones are truncated with a marker. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** Largest attributes object kept, as JSON bytes. */
export const MAX_ATTRIBUTES_BYTES = 64 * 1024;

const ALIASES: Record<string, string> = {
  warning: "warn",
  err: "error",
  critical: "fatal",
  crit: "fatal",
  alert: "fatal",
  emerg: "fatal",
  emergency: "fatal",
  panic: "fatal",
  notice: "info",
  information: "info",
  verbose: "debug",
  dbg: "debug",
};

/** A level word or number (pino/bunyan 10–60) as one of LEVELS, or the word lower-cased. */
export function normalizeLevel(value: unknown): string {
  if (typeof value === "number" && Number.isFinite(value)) {
    return value >= 10 ? LEVELS[Math.min(5, Math.floor(value / 10) - 1)]! : "info";
  }
  if (typeof value !== "string" || value.trim() === "") return "info";
  const word = value.trim().toLowerCase().slice(0, 32);
  return ALIASES[word] ?? word;
}

/** An OTLP severity number (1–24; 0 = unspecified) as one of LEVELS. */
export function otlpSeverityLevel(n: number): string {
  return n >= 1 ? LEVELS[Math.min(5, Math.floor((n - 1) / 4))]! : "info";
}

/** The levels at least as severe as `level` (just `level` when it is not a known one). */
export function levelsAtLeast(level: string): string[] {
  const i = LEVELS.indexOf(normalizeLevel(level) as (typeof LEVELS)[number]);
  return i < 0 ? [level] : [...LEVELS.slice(i)];
}

const MAX_TIME = Date.UTC(9999, 0, 1);

/**
 * Epoch ms of a timestamp: an ISO-8601 string, or a number (or numeric string) of seconds, ms, µs
 * or ns, told apart by magnitude. Undefined when absent; throws a message when unreadable.
 */
export function parseTime(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  let ms: number;
  const numeric = typeof value === "number" ? value : typeof value === "string" && /^\d+(\.\d+)?$/.test(value);
  if (numeric !== false) {
    const n = typeof value === "number" ? value : Number(value);
    ms = n < 1e11 ? n * 1000 : n < 1e14 ? n : n < 1e17 ? n / 1e3 : n / 1e6;
  } else if (typeof value === "string") {
    ms = Date.parse(value);
  } else {
    throw new Error(`unreadable time ${JSON.stringify(value)}`);
  }
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME) throw new Error(`unreadable time ${JSON.stringify(value)}`);
  return Math.floor(ms);
}

/** A hex trace or span id lower-cased (null when absent); throws a message when not hex. */
export function parseHexId(value: unknown, what: "trace" | "span"): string | null {
  if (value === undefined || value === null || value === "") return null;
  const len = what === "trace" ? 32 : 16;
  if (typeof value !== "string" || !new RegExp(`^[0-9a-fA-F]{${len}}$`).test(value)) {
    throw new Error(`${what} id must be ${len} hex digits, got ${JSON.stringify(String(value).slice(0, 80))}`);
  }
  return value.toLowerCase();
}

/** The message capped at MAX_MESSAGE_BYTES, with `…[truncated N bytes]` appended when cut. */
export function capMessage(text: string): string {
  if (text.length * 3 <= MAX_MESSAGE_BYTES) return text;
  const bytes = Buffer.byteLength(text);
  if (bytes <= MAX_MESSAGE_BYTES) return text;
  const kept = Buffer.from(text)
    .subarray(0, MAX_MESSAGE_BYTES)
    .toString("utf8")
    .replace(/\uFFFD+$/, "");
  return `${kept}…[truncated ${bytes - Buffer.byteLength(kept)} bytes]`;
}

/** The attributes, or a note in their place when their JSON is over MAX_ATTRIBUTES_BYTES. */
export function capAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  const json = JSON.stringify(attributes);
  if (json.length <= MAX_ATTRIBUTES_BYTES / 3 || Buffer.byteLength(json) <= MAX_ATTRIBUTES_BYTES) return attributes;
  return { _truncated: `attributes were ${Buffer.byteLength(json)} bytes, over ${MAX_ATTRIBUTES_BYTES}` };
}

/** Any value as message text (strings as is, others as JSON). */
export function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return JSON.stringify(value);
}
