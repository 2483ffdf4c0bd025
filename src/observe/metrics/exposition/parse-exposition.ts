/**
 * Parser of the Prometheus text exposition format 0.0.4. Grammar, one item per line:
 *
 *   # HELP <name> <text with \\ and \n escapes>
 *   # TYPE <name> counter|gauge|histogram|summary|untyped
 *   # <any other comment>
 *   <name>[{<label>="<value with \\ \" \n escapes>",...}] <value> [<timestamp ms>]
 *
 * Values are Go floats including `NaN`, `+Inf`, `-Inf`. Histograms and summaries are read as
 * their series (`_bucket{le}`, `_sum`, `_count`, `{quantile}`). The whole text is parsed before
 * anything is returned: the first malformed line throws a ValidationError naming its line, so a
 * caller never stores half a scrape.
 */
import { ValidationError } from "../../../common/errors.js";
import type { Labels } from "../../../store/index.js";

/** A metric family's declared type. */
export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

/** One sample line: labels with `__name__`, the value, and the explicit timestamp if given. */
export interface ExpositionSample {
  labels: Labels;
  value: number;
  timestampMs?: number;
}

/** A parsed exposition: samples in text order plus the HELP/TYPE metadata by family name. */
export interface Exposition {
  samples: ExpositionSample[];
  families: Map<string, { type: MetricType; help?: string }>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set<MetricType>(["counter", "gauge", "histogram", "summary", "untyped"]);
const SPECIAL: Record<string, number> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  "+inf": Number.POSITIVE_INFINITY,
  "-inf": Number.NEGATIVE_INFINITY,
};
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a float as Go's strconv.ParseFloat accepts it in expositions; undefined when invalid. */
export function parseFloatValue(text: string): number | undefined {
  const special = SPECIAL[text.toLowerCase()];
  if (special !== undefined) return special;
  return FLOAT.test(text) ? Number(text) : undefined;
}

/** Parses exposition text; throws ValidationError (`details.line`) on the first malformed line. */
export function parseExposition(text: string): Exposition {
  const out: Exposition = { samples: [], families: new Map() };
  const seen = new Set<string>();
  const typed = new Set<string>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, "");
    const fail = (msg: string): never => {
      throw new ValidationError(`exposition line ${i + 1}: ${msg}`, { line: i + 1, text: line.slice(0, 200) });
    };
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      parseComment(line, out, { seen, typed }, fail);
      continue;
    }
    const sample = parseSample(line, fail);
    const family = familyOf(sample.labels.__name__!, out.families);
    seen.add(family);
    if (out.families.get(family)?.type === "histogram" && sample.labels.__name__!.endsWith("_bucket")) {
      if (sample.labels.le === undefined) fail(`histogram bucket without an 'le' label`);
      if (parseFloatValue(sample.labels.le!) === undefined) fail(`invalid 'le' value "${sample.labels.le}"`);
    }
    out.samples.push(sample);
  }
  return out;
}

function parseComment(
  line: string,
  out: Exposition,
  { seen, typed }: { seen: Set<string>; typed: Set<string> },
  fail: (m: string) => never,
): void {
  const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
  if (!m) return;
  const [, kind, name, rest = ""] = m;
  if (!NAME.test(name!) || NAME.exec(name!)![0] !== name) fail(`invalid metric name "${name}"`);
  const fam = out.families.get(name!) ?? { type: "untyped" as MetricType };
  if (kind === "TYPE") {
    const type = rest.trim() as MetricType;
    if (!TYPES.has(type)) fail(`unknown metric type "${rest.trim()}"`);
    if (typed.has(name!)) fail(`second TYPE line for "${name}"`);
    if (seen.has(name!)) fail(`TYPE line for "${name}" after its samples`);
    typed.add(name!);
    out.families.set(name!, { ...fam, type });
  } else {
    out.families.set(name!, { ...fam, help: rest.replace(/\\(\\|n)/g, (_, c) => (c === "n" ? "\n" : "\\")) });
  }
}

function familyOf(name: string, families: Exposition["families"]): string {
  for (const suffix of ["_bucket", "_sum", "_count", "_total"]) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const t = families.get(base)?.type;
    if (t === "histogram" || t === "summary" || (suffix === "_total" && t === "counter")) return base;
  }
  return name;
}

function parseSample(line: string, fail: (m: string) => never): ExpositionSample {
  const name = NAME.exec(line)?.[0];
  if (!name) fail(`expected a metric name`);
  const labels: Labels = { __name__: name! };
  let pos = name!.length;
  if (line[pos] === "{") pos = parseLabels(line, pos + 1, labels, fail);
  const rest = line.slice(pos);
  if (rest !== "" && !/^[ \t]/.test(rest)) fail(`unexpected "${rest[0]}" after the series`);
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length === 0 || fields[0] === "") fail(`missing value`);
  if (fields.length > 2) fail(`unexpected text after the timestamp: "${fields.slice(2).join(" ")}"`);
  const value = parseFloatValue(fields[0]!);
  if (value === undefined) fail(`invalid value "${fields[0]}"`);
  const sample: ExpositionSample = { labels, value: value! };
  if (fields[1] !== undefined) {
    if (!/^-?\d+$/.test(fields[1])) fail(`invalid timestamp "${fields[1]}" (integer milliseconds expected)`);
    sample.timestampMs = Number(fields[1]);
  }
  return sample;
}

/** Reads `name="value",…}` from `pos`; returns the position after `}`. */
function parseLabels(line: string, start: number, labels: Labels, fail: (m: string) => never): number {
  let pos = start;
  const ws = () => {
    while (line[pos] === " " || line[pos] === "\t") pos++;
  };
  for (;;) {
    ws();
    if (line[pos] === "}") return pos + 1;
    const name = LABEL.exec(line.slice(pos))?.[0];
    if (!name) fail(`invalid label name at column ${pos + 1}`);
    if (name! in labels) fail(`duplicate label "${name}"`);
    pos += name!.length;
    ws();
    if (line[pos] !== "=") fail(`expected '=' after label "${name}" at column ${pos + 1}`);
    pos++;
    ws();
    if (line[pos] !== '"') fail(`expected '"' to open the value of label "${name}" at column ${pos + 1}`);
    pos++;
    let value = "";
    for (;;) {
      const c = line[pos];
      if (c === undefined) fail(`unterminated value of label "${name}"`);
      if (c === '"') break;
      if (c === "\\") {
        const e = line[pos + 1];
        if (e === "n") value += "\n";
        else if (e === "\\" || e === '"') value += e;
        else fail(`invalid escape "\\${e ?? ""}" in label "${name}" at column ${pos + 1}`);
        pos += 2;
        continue;
      }
      value += c;
      pos++;
    }
    labels[name!] = value;
    pos++;
    ws();
    if (line[pos] === ",") pos++;
    else if (line[pos] !== "}") fail(`expected ',' or '}' at column ${pos + 1}`);
  }
}
