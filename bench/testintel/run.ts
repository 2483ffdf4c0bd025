/**
 * Test-intelligence benchmark (`npm run bench:testintel`, writes bench/testintel/RESULTS.md):
 * 1. prioritisation APFD / APFDc on the six Commons CI histories (`../shared/data/ci-history`, or
 *    PITCREW_CI_HISTORY) against random, most-recent-failure-first and failure-rate baselines
 *    computed in the same run from the same history model;
 * 2. flaky-detection precision and recall on generated histories (seeds 1–5);
 * 3. the offline contract's CLI time for 300 runs × 300 tests, beside the CLI's start-up alone;
 * 4. learning and prioritisation cost for a 5,000-test project (run node with --expose-gc for the heap).
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { flakyTests, HistoryModel } from "../../src/testintel/index.js";
import { CI_HISTORY_DIR, PROJECTS, readProject } from "./ci-history.js";
import { measureContract } from "./contract-speed.js";
import { generateFlakyHistory } from "./flaky-history.js";
import { type RerunScores, scoreOutsideChange } from "./outside-change.js";
import { evaluateProject, METHODS, type ProjectScores } from "./prioritization.js";
import { measureScale } from "./scale.js";

const lines: string[] = [];
const say = (s = "") => {
  console.log(s);
  lines.push(s);
};
const f3 = (x: number) => x.toFixed(3);

say("# Test intelligence benchmark");
say();
say(
  `Date ${new Date().toISOString().slice(0, 10)} · machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, shared (load average ${loadavg()[0]!.toFixed(1)} at start) · Node ${process.versions.node} · command: \`npm run bench:testintel\``,
);
say();
say("## 1. Prioritisation: APFD on the Commons CI histories");
say();
const results: [string, ProjectScores][] = [];
for (const p of PROJECTS) {
  const cycles = readProject(p);
  if (cycles === undefined) {
    say(`(skipped: ${join(CI_HISTORY_DIR, `Commons_${p}.csv`)} not found; set PITCREW_CI_HISTORY)`);
    continue;
  }
  results.push([p, evaluateProject(cycles)]);
}
if (results.length > 0) {
  const head = `| project | cycles | failing cycles | ${METHODS.map((m) => `APFD ${m}`).join(" | ")} | ${METHODS.map((m) => `APFDc ${m}`).join(" | ")} |`;
  say(head);
  say(`| --- | ---: | ---: | ${METHODS.map(() => "---:").join(" | ")} | ${METHODS.map(() => "---:").join(" | ")} |`);
  const pooled = { apfd: new Map<string, number>(), apfdc: new Map<string, number>() };
  let failing = 0;
  for (const [p, r] of results) {
    say(
      `| ${p} | ${r.cycles} | ${r.failingCycles} | ${METHODS.map((m) => f3(r.apfd[m])).join(" | ")} | ${METHODS.map((m) => f3(r.apfdc[m])).join(" | ")} |`,
    );
    failing += r.failingCycles;
    for (const m of METHODS) {
      pooled.apfd.set(m, (pooled.apfd.get(m) ?? 0) + r.apfd[m] * r.failingCycles);
      pooled.apfdc.set(m, (pooled.apfdc.get(m) ?? 0) + r.apfdc[m] * r.failingCycles);
    }
  }
  const mean = (m: Map<string, number>) => METHODS.map((k) => `**${f3((m.get(k) ?? 0) / failing)}**`).join(" | ");
  say(`| all failing cycles | | ${failing} | ${mean(pooled.apfd)} | ${mean(pooled.apfdc)} |`);
  const macro = (k: "apfd" | "apfdc") =>
    METHODS.map((m) => f3(results.reduce((s, [, r]) => s + r[k][m], 0) / results.length)).join(" | ");
  say(`| mean of projects | | | ${macro("apfd")} | ${macro("apfdc")} |`);
  say();
  const wins = METHODS.slice(1).map((m) => {
    const [b, e, w] = results.reduce(
      ([b, e, w], [, r]) => [b + r.paired[m][0], e + r.paired[m][1], w + r.paired[m][2]],
      [0, 0, 0],
    );
    return `${m}: better in ${b}, equal in ${e}, worse in ${w}`;
  });
  say(`Per failing cycle, pitcrew's APFD against each baseline's — ${wins.join("; ")}.`);
  say();
  say(
    `pitcrew ranks one cycle in ${f3(results.reduce((s, [, r]) => s + r.rankMs, 0) / results.length)} ms on average.`,
  );
}
say();
say("## 2. Flaky detection on generated histories (300 tests × 300 runs)");
say();
say("| seed | flaky tests | flagged | precision | recall |");
say("| ---: | ---: | ---: | ---: | ---: |");
let [tpAll, flaggedAll, flakyAll] = [0, 0, 0];
for (let seed = 1; seed <= 5; seed++) {
  const h = generateFlakyHistory(seed);
  const model = new HistoryModel();
  for (const r of h.runs) model.add(r);
  const flagged = flakyTests(model).filter((t) => t.flaky);
  const tp = flagged.filter((t) => h.flaky.has(t.id)).length;
  [tpAll, flaggedAll, flakyAll] = [tpAll + tp, flaggedAll + flagged.length, flakyAll + h.flaky.size];
  say(`| ${seed} | ${h.flaky.size} | ${flagged.length} | ${f3(tp / flagged.length)} | ${f3(tp / h.flaky.size)} |`);
}
say(`| all | ${flakyAll} | ${flaggedAll} | **${f3(tpAll / flaggedAll)}** | **${f3(tpAll / flakyAll)}** |`);
say();
say("### Reruns of suspected flaky failures: known flaky, then also outside the change (DeFlaker)");
say();
say(
  "Every first-attempt failure of the same histories, replayed run by run: eligible for a rerun when the test is known flaky from the runs before (before), or also when its file is outside the change (after). Change stream and assumptions in `outside-change.ts` (fixed, not fitted).",
);
say();
say("| seed | failures | flakes | before: eligible | precision | recall | after: eligible | precision | recall |");
say("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const pooled = { failures: 0, flakes: 0, before: { eligible: 0, hits: 0 }, after: { eligible: 0, hits: 0 } };
for (let seed = 1; seed <= 5; seed++) {
  const s = scoreOutsideChange(generateFlakyHistory(seed), seed);
  pooled.failures += s.failures;
  pooled.flakes += s.flakes;
  for (const k of ["before", "after"] as const) {
    pooled[k].eligible += s[k].eligible;
    pooled[k].hits += s[k].hits;
  }
  say(rerunRow(String(seed), s));
}
say(rerunRow("all", pooled));
say();
say("## 3. Offline contract: `pitcrew tests prioritize`, 300 runs × 300 tests (+10 new)");
say();
const c = measureContract();
say(
  `Load average while measured: ${loadavg()[0]!.toFixed(1)}. CLI process median **${Math.round(c.prioritizeMs)} ms** (start-up alone, \`pitcrew --version\`: ${Math.round(c.startupMs)} ms, ${(c.startupMs / c.nodeMs).toFixed(1)} × a bare \`node -e 0\` at ${Math.round(c.nodeMs)} ms; history ${(c.historyBytes / 2 ** 20).toFixed(1)} MiB of JUnit XML); every candidate exactly once: ${c.valid ? "yes" : "**NO**"}. Target < 5,000 ms.`,
);
say();
say("## 4. Cost for a 5,000-test project (300 past runs)");
say();
const s = measureScale();
say(
  `Learning 300 runs: ${Math.round(s.learnMs)} ms; prioritising all 5,000 tests: **${Math.round(s.prioritizeMs)} ms** (target < 1,000 ms); history model heap: ${s.modelBytes === undefined ? "not measured (run node with --expose-gc)" : `**${(s.modelBytes / 2 ** 20).toFixed(1)} MiB**`}.`,
);
writeFileSync(join(import.meta.dirname, "RESULTS.md"), `${lines.join("\n")}\n`);

/** One table row of the rerun scores. */
function rerunRow(label: string, s: RerunScores): string {
  const cols = (k: "before" | "after") =>
    `${s[k].eligible} | ${f3(s[k].hits / s[k].eligible)} | ${f3(s[k].hits / s.flakes)}`;
  return `| ${label} | ${s.failures} | ${s.flakes} | ${cols("before")} | ${cols("after")} |`;
}
