/**
 * Turns raw log text into blocks of plain lines a trace parser can read. JSON log records (one
 * object per line) give up their multi-line strings (`stack`, `stack_trace`, `exception`,
 * `error.stack`, `exc_info`, a message holding a trace) as blocks of their own; one-line records
 * (`{"log": "\tat …"}` from Docker) and plain lines are demultiplexed by their source prefix
 * (`web-1  | `, CRI `… stderr F `, `[pod/x/c] `, syslog `app[12]: `) so traces printed by two
 * processes at once do not interleave.
 */

/** Lines from one source, in order. */
export interface TextBlock {
  source: string;
  lines: string[];
  /** For each line, its 0-based line number in the input. */
  origin: number[];
}

const PREFIXES: { re: RegExp; source: (m: RegExpExecArray) => string }[] = [
  { re: /^(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-][\d:]+) (stdout|stderr) [FP] )/, source: (m) => m[2]! },
  { re: /^([\w.-]+)\s+\| ?/, source: (m) => m[1]! },
  { re: /^\[(pod\/[^\]]+)\] /, source: (m) => m[1]! },
  { re: /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ ([\w./-]+)(?:\[\d+\])?: /, source: (m) => m[1]! },
];
const STACK_KEYS =
  /^(stack|stack_?trace|stacktrace|exception|exc_info|exc_text|traceback|error|err|message|msg|full_message|log|@message)$/i;
const LINE_KEYS = ["log", "message", "msg", "@message"];
const MAX_DEPTH = 4;

/** Splits a line into its source (when prefixed) and text. */
function unprefix(line: string): { source: string; text: string } {
  for (const { re, source } of PREFIXES) {
    const m = re.exec(line);
    if (m) return { source: source(m), text: line.slice(m[0].length) };
  }
  return { source: "", text: line };
}

/** Multi-line strings of a JSON record, with a header made from sibling `type`/`message` when a stack lacks one. */
function traceStrings(value: unknown, depth = 0): string[] {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return [];
  const record = value as Record<string, unknown>;
  const found: string[] = [];
  for (const [key, v] of Object.entries(record)) {
    if (typeof v === "string" && v.includes("\n") && (STACK_KEYS.test(key) || /\n\s+(at |File ")/.test(v))) {
      const type = record.type ?? record.name ?? record.class ?? record.exception_class;
      const headless = /^\s*at /.test(v) && typeof type === "string";
      found.push(headless ? `${type}: ${String(record.message ?? "")}\n${v}` : v);
    } else if (typeof v === "object") found.push(...traceStrings(v, depth + 1));
  }
  return found;
}

/** Splits log text into blocks: one per JSON-embedded trace, one per line source. */
export function toTextBlocks(text: string): TextBlock[] {
  const embedded: TextBlock[] = [];
  const sources = new Map<string, TextBlock>();
  const push = (source: string, line: string, at: number) => {
    if (!sources.has(source)) sources.set(source, { source, lines: [], origin: [] });
    const block = sources.get(source)!;
    block.lines.push(line);
    block.origin.push(at);
  };
  for (const [at, raw] of text.split("\n").entries()) {
    const { source, text: line } = unprefix(raw);
    const record = line.trimStart().startsWith("{") ? parseRecord(line) : undefined;
    if (!record) {
      push(source, line, at);
      continue;
    }
    for (const s of traceStrings(record)) {
      const lines = s.split(/\r?\n/);
      embedded.push({ source: `${source}#json@${at + 1}`, lines, origin: lines.map(() => at) });
    }
    const key = LINE_KEYS.find((k) => typeof record[k] === "string" && !(record[k] as string).trimEnd().includes("\n"));
    if (key)
      push(`${source}${typeof record.stream === "string" ? record.stream : ""}`, (record[key] as string).trimEnd(), at);
  }
  return [...sources.values(), ...embedded];
}

/** The object a JSON log line holds, or undefined when the line is not one. */
function parseRecord(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
