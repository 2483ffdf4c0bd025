/**
 * bench:learning — the learning loop measured on the real Apache Commons CI histories
 * (bench/testintel/ci-history.ts; path from PITCREW_CI_HISTORY): a 20-week retraining replay per
 * project (always promote | never retrain | gated), a shuffled-label candidate through the gate,
 * a drifted input stream, training + evaluation time on a generated busy year, and the online
 * `test-flakiness` replay (always update | never | gated) on generated flaky histories. Prints the
 * figures and writes bench/learning/RESULTS.md.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pairedBootstrap } from "../../src/learning/index.js";
import { PROJECTS, readProject } from "../testintel/ci-history.js";
import { brokenCandidate } from "./broken-candidate.js";
import { timeBusyYear } from "./busy-year.js";
import { driftReplay } from "./drift.js";
import { type PolicyFigures, replayFlakiness, STORMS, type Storms } from "./flakiness.js";
import { replayProject, WEEKS, type WeekResult } from "./replay.js";

const mean = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? "–" : x.toFixed(3));

const projects = PROJECTS.map((p) => ({ name: p, cycles: readProject(p) })).filter((p) => p.cycles !== undefined);
if (projects.length === 0) {
  console.error("no Commons_*.csv found: set PITCREW_CI_HISTORY to the ci-history folder");
  process.exit(2);
}
const timed = projects.map((p) => ({ name: p.name, cycles: p.cycles!.map((c, i) => ({ at: i, run: c.run })) }));

const lines: string[] = [];
const say = (s = "") => {
  console.log(s);
  lines.push(s);
};

say("## Weekly retraining replay (live APFD of each week's failing cycles)");
say();
const perWeek: WeekResult[][] = Array.from({ length: WEEKS }, () => []);
const summary: string[] = [];
let promotions = 0;
for (const p of timed) {
  const r = replayProject(p.cycles);
  for (const [i, w] of r.weeks.entries()) perWeek[i]!.push(w);
  promotions += r.weeks.filter((w) => w.promoted).length;
  const all = (k: "always" | "never" | "gated") => r.weeks.flatMap((w) => w[k]);
  summary.push(
    `| ${p.name} | ${r.weekCycles} | ${all("gated").length} | ${f(mean(all("always")))} | ${f(mean(all("never")))} | ${f(mean(all("gated")))} | ${r.weeks.filter((w) => w.promoted).length} |`,
  );
}
say("| project | cycles/week | failing cycles (20 weeks) | always promote | never retrain | gated | promotions |");
say("|---|---|---|---|---|---|---|");
for (const s of summary) say(s);
const pooled = (k: "always" | "never" | "gated" | "incumbentBefore") =>
  perWeek.flatMap((ws) => ws.flatMap((w) => w[k]));
say(
  `| **all** | | ${pooled("gated").length} | **${f(mean(pooled("always")))}** | **${f(mean(pooled("never")))}** | **${f(mean(pooled("gated")))}** | ${promotions} |`,
);
say();
say("| week | failing cycles | always promote | never retrain | gated | gated − its previous incumbent (95 % CI) |");
say("|---|---|---|---|---|---|");
let worseWeeks = 0;
perWeek.forEach((ws, i) => {
  const g = ws.flatMap((w) => w.gated);
  const inc = ws.flatMap((w) => w.incumbentBefore);
  const c = pairedBootstrap(g, inc, { higherIsBetter: true, seed: i + 1 });
  if (g.length > 0 && c.high < 0) worseWeeks++;
  say(
    `| ${i + 1} | ${g.length} | ${f(mean(ws.flatMap((w) => w.always)))} | ${f(mean(ws.flatMap((w) => w.never)))} | ${f(mean(g))} | ${g.length ? `${f(c.meanDelta)} (${f(c.low)} … ${f(c.high)})` : "–"} |`,
  );
});
say();
say(`Weeks where gated is worse than its incumbent beyond the noise (CI entirely below 0): ${worseWeeks}`);
say();

say("## Broken candidate (labels shuffled)");
const broken = brokenCandidate(timed.map((p) => p.cycles));
say();
say(`- decision: ${broken.promote ? "PROMOTED (wrong)" : "refused"}`);
say(`- reason: ${broken.reason}`);
say();

say("## Drifted input stream (compress: most failing cycles)");
const compress = timed.find((p) => p.name === "compress") ?? timed[0]!;
const drift = driftReplay(compress.cycles, Math.floor(compress.cycles.length / 22));
say();
say(
  `- checks before the shift: ${drift.checksBeforeShift}, past the bound (false alarms): ${drift.falseAlarms}, largest PSI before: ${f(drift.maxPsiBefore)}`,
);
say(
  `- after the shift: past the bound after ${drift.delay ?? "never"} cycle(s) (bound: within one week = ${drift.weekCycles} cycles), PSI ${f(drift.psiAtDetection)}`,
);
say();

say("## Training + evaluation on a generated busy year (50 runs/day, 200 tests)");
const year = timeBusyYear();
say();
say(
  `- ${year.runs} runs, ${year.results} test results: training ${(year.trainMs / 1000).toFixed(1)} s, evaluation of candidate + incumbent on the last week ${(year.evaluateMs / 1000).toFixed(1)} s, total ${((year.trainMs + year.evaluateMs) / 1000).toFixed(1)} s (target < 60 s)`,
);
say(`- gate: ${year.decision.reason}`);

say();
say("## Online test-flakiness replay (updates every 10 runs, 3 seeded histories × 600 runs × 300 tests)");
say();
say(
  `Storms at runs ${STORMS.join(", ")}: full = every test fails once (a broken run, skipped by the model); partial = 40 % of the tests fail once (counted, but storm runs: no blips).`,
);
say();
say("| storms | policy | precision | recall | accuracy on resolved failures | updates kept / rolled back |");
say("|---|---|---|---|---|---|");
for (const storms of ["none", "full", "partial"] as const satisfies readonly Storms[]) {
  const runs = [1, 2, 3].map((seed) => replayFlakiness(seed, storms));
  for (const p of ["always", "never", "gated"] as const) {
    const fs: PolicyFigures[] = runs.map((r) => r[p]);
    const right = fs.reduce((a, x) => a + x.right, 0);
    const units = fs.reduce((a, x) => a + x.units, 0);
    say(
      `| ${storms} | ${p} | ${f(mean(fs.map((x) => x.precision)))} | ${f(mean(fs.map((x) => x.recall)))} | ${f(right / units)} (${units}) | ${fs.reduce((a, x) => a + x.kept, 0)} / ${fs.reduce((a, x) => a + x.rolledBack, 0)} |`,
    );
  }
}

writeFileSync(
  join(import.meta.dirname, "RESULTS.md"),
  `# bench:learning results\n\n2026-12-07, 2 cores, 24 GiB, Node 20.20. \`npm run bench:learning\`.\n\n${lines.join("\n")}\n`,
);
