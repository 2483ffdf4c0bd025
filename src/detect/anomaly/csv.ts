/** One data row of a `timestamp,value` file. */
export interface SeriesRow {
  /** 1-based line number in the file. */
  line: number;
  timestampMs: number;
  value: number;
  /** The timestamp is earlier than the previous row's (real exports have clock steps, e.g. DST). */
  backwards: boolean;
}

/** A bad row in a `timestamp,value` file; `line` is 1-based. */
export class CsvRowError extends Error {
  override readonly name = "CsvRowError";
  readonly line: number;

  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
/** Epoch values below this are seconds, above it milliseconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const SECONDS_LIMIT = 1e11;

/**
 * Parses a timestamp: ISO-8601 (`2014-07-01T00:30:00Z`, a zone offset, or none = UTC), NAB's
 * `YYYY-MM-DD HH:MM:SS`, or epoch seconds / milliseconds. Returns epoch ms, or NaN when invalid.
 */
export function parseTimestamp(text: string): number {
  const t = unquote(text);
  if (NUMBER.test(t)) {
    const n = Number(t);
    if (!Number.isFinite(n) || n < 0) return Number.NaN;
    return n < SECONDS_LIMIT ? n * 1000 : n;
  }
  const m = ISO.exec(t);
  if (!m) return Number.NaN;
  const iso = t.replace(" ", "T") + (m[1] ? "" : t.length > 10 ? "Z" : "T00:00:00Z");
  return Date.parse(iso);
}

/**
 * Streams the rows of a `timestamp,value` file from its lines. A first line that is not data is
 * taken as a header; blank lines are skipped. Throws `CsvRowError` (with the line number) for a
 * wrong column count, a bad timestamp, a value that is not a finite number, or time going backwards.
 */
export async function* readSeriesRows(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<SeriesRow> {
  let line = 0;
  let last = Number.NEGATIVE_INFINITY;
  for await (const raw of lines) {
    line++;
    const text = raw.trim();
    if (text === "") continue;
    const fields = text.split(",");
    if (
      line === 1 &&
      fields.length === 2 &&
      Number.isNaN(parseTimestamp(fields[0]!)) &&
      !NUMBER.test(unquote(fields[1]!))
    ) {
      continue;
    }
    if (fields.length !== 2)
      throw new CsvRowError(line, `expected 2 columns (timestamp,value), found ${fields.length}`);
    const timestampMs = parseTimestamp(fields[0]!);
    if (Number.isNaN(timestampMs)) throw new CsvRowError(line, `bad timestamp '${unquote(fields[0]!)}'`);
    const valueText = unquote(fields[1]!);
    const value = Number(valueText);
    if (!NUMBER.test(valueText) || !Number.isFinite(value)) {
      throw new CsvRowError(line, `value '${valueText}' is not a finite number`);
    }
    const backwards = timestampMs < last;
    last = timestampMs;
    yield { line, timestampMs, value, backwards };
  }
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}
