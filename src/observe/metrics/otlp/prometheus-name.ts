/**
 * OTLP metric and attribute names as Prometheus' own OTLP receiver writes them (its default
 * `UnderscoreEscapingWithSuffixes` translation): the name's words joined by `_`, the unit added
 * as words (`s` → `seconds`, `By` → `bytes`, `m/s` → `meters_per_second`, `{…}` annotations
 * dropped) unless the name already holds those words, `_total` last on monotonic sums, `_ratio` on gauges
 * of unit `1`; a leading digit gets a `_` prefix.
 */

const UNITS: Record<string, string> = {
  d: "days",
  h: "hours",
  min: "minutes",
  s: "seconds",
  ms: "milliseconds",
  us: "microseconds",
  ns: "nanoseconds",
  By: "bytes",
  KiBy: "kibibytes",
  MiBy: "mebibytes",
  GiBy: "gibibytes",
  TiBy: "tibibytes",
  KBy: "kilobytes",
  MBy: "megabytes",
  GBy: "gigabytes",
  TBy: "terabytes",
  m: "meters",
  V: "volts",
  A: "amperes",
  J: "joules",
  W: "watts",
  g: "grams",
  Cel: "celsius",
  Hz: "hertz",
  "1": "",
  "%": "percent",
};
const PER_UNITS: Record<string, string> = {
  s: "second",
  m: "minute",
  h: "hour",
  d: "day",
  w: "week",
  mo: "month",
  y: "year",
};

/** How the metric is typed, which decides its suffixes. */
export type PrometheusKind = "counter" | "gauge" | "histogram" | "summary";

const words = (s: string) => s.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");

/** The unit's words: main unit, then `per` and the per-unit (empty for `1` and annotations). */
function unitWords(unit: string): { main: string[]; per: string[] } {
  const plain = unit.replace(/\{[^}]*\}/g, "").trim();
  if (plain === "") return { main: [], per: [] };
  const [main = "", per = ""] = plain.split("/", 2);
  const mainWords = words(UNITS[main] ?? main);
  const perWords = per === "" ? [] : ["per", ...words(PER_UNITS[per] ?? per)];
  return { main: mainWords, per: perWords };
}

/** The Prometheus metric name of an OTLP metric (before `_bucket`/`_sum`/`_count` of histograms and summaries). */
export function prometheusMetricName(name: string, unit: string, kind: PrometheusKind): string {
  let out = words(name);
  const { main, per } = unitWords(unit);
  const says = (ws: string[]) => `_${out.join("_")}_`.includes(`_${ws.join("_")}_`);
  if (main.length > 0 && !says(main)) out.push(...main);
  if (per.length > 0 && !says(per)) out.push(...per);
  if (kind === "counter") out = [...out.filter((w) => w !== "total"), "total"];
  if (kind === "gauge" && unit === "1" && out.at(-1) !== "ratio") out.push("ratio");
  const joined = out.join("_");
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** A label name Prometheus accepts: other characters become `_`, a leading digit gets `key_`. */
export function prometheusLabelName(key: string): string {
  const clean = key.replace(/[^A-Za-z0-9_]/g, "_");
  if (clean === "" || /^[0-9]/.test(clean)) return `key_${clean}`;
  return clean;
}
