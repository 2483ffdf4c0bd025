/**
 * `npm run bench:explain`: how well `pitcrew explain` (log-only mode, default settings) finds the
 * lines that explain a failed build, on real failed CI logs labelled by others (`corpus.ts`),
 * against two baselines in the same run:
 *   - keyword: the last lines matching /error|fail|exception|fatal/i, last first;
 *   - tail: the log's last non-blank lines, last first.
 * Metrics per log, averaged: hit@1 and hit@5 (a returned line is a labelled line) and recall@10
 * (labelled lines among the first 10, over min(10, labelled)). Throughput: lines/s of the whole
 * analysis and of the keyword baseline over the same texts. Classification accuracy per class
 * against labels.json (our class for each LogChunks failure kind, see there).
 * Skips with a message when the datasets are not fetched.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { explainLogText } from "../../src/failures/index.js";
import { corpusSources, type LabelledLog, loadCorpus } from "./corpus.js";

const sources = corpusSources();
for (const s of sources)
  if (!s.present) console.log(`skip ${s.name}: not found at ${s.dir} (fetch it, see bench/README.md)`);
const corpus = loadCorpus();
if (corpus.length === 0) {
  console.log("bench:explain skipped: no dataset present");
  process.exit(0);
}

const KEYWORD = /error|fail|exception|fatal/i;

/** Baseline: last lines matching the keyword regex, last first. */
function keywordBaseline(text: string, k: number): number[] {
  const lines = text.split("\n");
  const out: number[] = [];
  for (let i = lines.length - 1; i >= 0 && out.length < k; i--) if (KEYWORD.test(lines[i]!)) out.push(i + 1);
  return out;
}

/** Baseline: the last non-blank lines, last first. */
function tailBaseline(text: string, k: number): number[] {
  const lines = text.split("\n");
  const out: number[] = [];
  for (let i = lines.length - 1; i >= 0 && out.length < k; i--)
    if (lines[i]!.replace(/\x1b\[[0-9;?]*[A-Za-z]|\r/g, "").trim() !== "") out.push(i + 1);
  return out;
}

interface Score {
  hit1: number;
  hit5: number;
  recall10: number;
}
const zero = (): Score => ({ hit1: 0, hit5: 0, recall10: 0 });
function score(ranked: number[], log: LabelledLog): Score {
  const top = (k: number) => ranked.slice(0, k).filter((l) => log.relevant.has(l)).length;
  return {
    hit1: top(1) > 0 ? 1 : 0,
    hit5: top(5) > 0 ? 1 : 0,
    recall10: top(10) / Math.min(10, log.relevant.size),
  };
}
function add(into: Score, s: Score): void {
  into.hit1 += s.hit1;
  into.hit5 += s.hit5;
  into.recall10 += s.recall10;
}

const labels: Record<string, string> = JSON.parse(
  readFileSync(new URL("./labels.json", import.meta.url), "utf8"),
).classes;
const methods = { explain: zero(), keyword: zero(), tail: zero() };
const bySource = new Map<string, { n: number; explain: Score; keyword: Score; tail: Score }>();
const perClass = new Map<string, { n: number; right: number }>();
const confusion: string[] = [];
let lines = 0;
let explainMs = 0;
let keywordMs = 0;
const misses: string[] = [];
for (const log of corpus) {
  lines += log.text.split("\n").length;
  let t = performance.now();
  const e = await explainLogText(log.text, log.id);
  explainMs += performance.now() - t;
  t = performance.now();
  const kw = keywordBaseline(log.text, 10);
  keywordMs += performance.now() - t;
  const s = {
    explain: score(
      e.lines.map((l) => l.line),
      log,
    ),
    keyword: score(kw, log),
    tail: score(tailBaseline(log.text, 10), log),
  };
  const row = bySource.get(log.source) ?? { n: 0, explain: zero(), keyword: zero(), tail: zero() };
  row.n++;
  for (const m of ["explain", "keyword", "tail"] as const) {
    add(methods[m], s[m]);
    add(row[m], s[m]);
  }
  bySource.set(log.source, row);
  if (!s.explain.hit5)
    misses.push(
      `${log.id}: want ${[...log.relevant].slice(0, 3).join(",")}… got ${e.lines
        .slice(0, 5)
        .map((l) => l.line)
        .join(",")}`,
    );
  const want = log.kind ? labels[log.kind] : undefined;
  if (want) {
    const c = perClass.get(want) ?? { n: 0, right: 0 };
    c.n++;
    if (e.category === want) c.right++;
    else confusion.push(`${log.id}: ${want} → ${e.category}`);
    perClass.set(want, c);
  }
}

// Throughput, warm: a second pass over the 100 longest logs (the first pass also warmed the JIT),
// the analysis and the keyword baseline alternating log by log so both see the same machine load.
const longest = [...corpus].sort((a, b) => b.text.length - a.text.length).slice(0, 100);
let warmLines = 0;
let warmExplainMs = 0;
let warmKeywordMs = 0;
let warmExplainCpuMs = 0;
for (const log of longest) {
  warmLines += log.text.split("\n").length;
  let t = performance.now();
  const cpu = process.cpuUsage();
  await explainLogText(log.text, log.id);
  const used = process.cpuUsage(cpu);
  warmExplainCpuMs += (used.user + used.system) / 1000;
  warmExplainMs += performance.now() - t;
  t = performance.now();
  keywordBaseline(log.text, 10);
  warmKeywordMs += performance.now() - t;
}

const n = corpus.length;
const fmt = (x: number, d = n) => (x / d).toFixed(3);
console.log(
  `corpus: ${n} failed logs (${[...bySource].map(([k, v]) => `${k} ${v.n}`).join(", ")}), ${new Set(corpus.map((l) => l.language)).size} languages, ${lines} lines`,
);
console.log("| method | hit@1 | hit@5 | recall@10 |\n|---|---|---|---|");
for (const [m, s] of Object.entries(methods))
  console.log(`| ${m} | ${fmt(s.hit1)} | ${fmt(s.hit5)} | ${fmt(s.recall10)} |`);
for (const [src, row] of bySource) {
  console.log(`\n${src} (${row.n} logs)`);
  for (const m of ["explain", "keyword", "tail"] as const)
    console.log(
      `  ${m.padEnd(8)} hit@1 ${fmt(row[m].hit1, row.n)}  hit@5 ${fmt(row[m].hit5, row.n)}  recall@10 ${fmt(row[m].recall10, row.n)}`,
    );
}
const better = Math.max(methods.keyword.hit5, methods.tail.hit5);
console.log(
  `\nhit@5 margin over the better baseline: ${(((methods.explain.hit5 - better) / n) * 100).toFixed(1)} points (target ≥ 25, hit@5 ≥ 0.70)`,
);
console.log(
  `throughput, first pass: explain ${Math.round(lines / (explainMs / 1000))} lines/s; keyword baseline ${Math.round(lines / (keywordMs / 1000))} lines/s`,
);
console.log(
  `throughput, warm (100 longest logs, ${warmLines} lines): explain ${Math.round(warmLines / (warmExplainMs / 1000))} lines/s; keyword baseline ${Math.round(warmLines / (warmKeywordMs / 1000))} lines/s (target ≥ 50,000; logreduce ≈ 1,300)`,
);
console.log(
  `  per CPU-second (this process's user+system time, less sensitive to a shared machine): explain ${Math.round(warmLines / (warmExplainCpuMs / 1000))} lines/s`,
);
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
if (perClass.size) {
  const all = [...perClass.values()].reduce((a, c) => ({ n: a.n + c.n, right: a.right + c.right }), { n: 0, right: 0 });
  console.log(`\nclassification: ${all.right}/${all.n} = ${(all.right / all.n).toFixed(3)}`);
  for (const [c, v] of [...perClass].sort())
    console.log(`  ${c.padEnd(15)} ${v.right}/${v.n} = ${(v.right / v.n).toFixed(3)}`);
}
if (process.env.BENCH_VERBOSE)
  console.log(`\nmisses (hit@5):\n${misses.join("\n")}\nconfusion:\n${confusion.join("\n")}`);
