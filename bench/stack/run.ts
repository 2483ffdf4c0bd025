/**
 * Suspect-ranking accuracy of `pitcrew stack` on a labelled set of traces: our own fixtures and
 * real published crash traces (Defects4J trigger tests; see labels.json for sources). For each
 * trace, with the labelled `app` prefixes and again with the default in-app rules, it checks
 * whether the top (and top three) suspects name the file the fix changed, and — stricter —
 * the fixed function or a line within ±10 lines of a fixed hunk. Run: `npx tsx bench/stack/run.ts`.
 */
import { readFileSync } from "node:fs";
import { analyzeStack, type Suspect } from "../../src/diagnose/index.js";

/** One labelled trace. */
interface Label {
  file: string;
  set: string;
  language: string;
  app: string[];
  /** The fix: file paths (suffix match), optionally the functions or hunks (`to`-side lines). */
  expect: { files: string[]; functions?: string[]; hunks?: Record<string, [number, number][]> };
  /** True when a frame of the fixed file is on the stack at all (else no stack ranking can hit). */
  onStack: boolean;
  source: string;
}

const root = new URL("../../test/fixtures/traces/", import.meta.url);
const labels: Label[] = JSON.parse(readFileSync(new URL("./labels.json", import.meta.url), "utf8"));

const sameFile = (suspect: string, fixed: string) =>
  fixed === suspect || fixed.endsWith(`/${suspect}`) || suspect.endsWith(`/${fixed}`);

function hits(s: Suspect | undefined, e: Label["expect"]): { file: boolean; place: boolean } {
  if (!s) return { file: false, place: false };
  const fixed = e.files.find((f) => sameFile(s.file, f));
  if (!fixed) return { file: false, place: false };
  if (e.functions) return { file: true, place: e.functions.includes(s.function ?? "") };
  const ranges = e.hunks?.[fixed];
  if (!ranges || s.line === undefined) return { file: true, place: !ranges };
  return { file: true, place: ranges.some(([a, b]) => s.line! >= a - 10 && s.line! <= b + 10) };
}

/** Counters of one row of the results table. */
interface Row {
  n: number;
  parsed: number;
  top1File: number;
  top3File: number;
  top1Place: number;
  top3Place: number;
}

const rows = new Map<string, Row>();
const misses: string[] = [];
const started = performance.now();
for (const label of labels) {
  const text = readFileSync(new URL(label.file, root));
  for (const mode of ["app", "default"] as const) {
    const key = `${label.set} | ${mode === "app" ? "--app" : "defaults"}${label.onStack ? "" : ""}`;
    const keys = label.onStack ? [key, `${key} | fix on stack`] : [key];
    let suspects: Suspect[] = [];
    let parsed = false;
    try {
      const a = await analyzeStack(text, { app: mode === "app" ? label.app : [] });
      parsed = a.trace.frames.length > 0;
      suspects = a.suspects;
    } catch {
      parsed = false;
    }
    const top = suspects.slice(0, 3).map((s) => hits(s, label.expect));
    if (mode === "app" && !top[0]?.file)
      misses.push(
        `${label.file}: top ${suspects[0] ? `${suspects[0].file}:${suspects[0].line} ${suspects[0].function}` : "none"}`,
      );
    for (const k of keys) {
      const r = rows.get(k) ?? { n: 0, parsed: 0, top1File: 0, top3File: 0, top1Place: 0, top3Place: 0 };
      r.n++;
      r.parsed += parsed ? 1 : 0;
      r.top1File += top[0]?.file ? 1 : 0;
      r.top3File += top.some((h) => h.file) ? 1 : 0;
      r.top1Place += top[0]?.place ? 1 : 0;
      r.top3Place += top.some((h) => h.place) ? 1 : 0;
      rows.set(k, r);
    }
  }
}
const pct = (a: number, n: number) => `${((100 * a) / n).toFixed(0)}%`;
console.log("| set | in-app rule | subset | traces | parsed | top-1 file | top-3 file | top-1 place | top-3 place |");
console.log("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const [k, r] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
  const [set, mode, subset] = k.split(" | ");
  console.log(
    `| ${set} | ${mode} | ${subset ?? "all"} | ${r.n} | ${pct(r.parsed, r.n)} | ${pct(r.top1File, r.n)} | ${pct(r.top3File, r.n)} | ${pct(r.top1Place, r.n)} | ${pct(r.top3Place, r.n)} |`,
  );
}
console.log(`\n${labels.length} traces, ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (process.argv.includes("--misses")) console.log(misses.join("\n"));
