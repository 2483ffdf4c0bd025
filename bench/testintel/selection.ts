/**
 * Change-based test selection benchmark (`npm run bench:testselect`):
 * 1. cost: selection for a synthetic 5,000-test-file project, beside the `all` mode on the same
 *    request (same run), and the size of its stored dependency map;
 * 2. safety and savings on a real project's history: `--repo PATH` (any git checkout with a
 *    pytest suite under tests/, e.g. a clone of pallets/itsdangerous at /work/data/repos/itsdangerous:
 *    `git clone https://github.com/pallets/itsdangerous`), `--commits N` consecutive commits
 *    (default 100), `--mutants K` per commit (default 2). `--runner vitest` runs vitest's JSON
 *    reporter instead and compares with `vitest list --changed`; its packages come from
 *    `--node-modules DIR` (linked into the replay's clone), e.g. for immerjs/immer the
 *    node_modules of `npm install vitest@3.2 type-plus redux lodash deep-freeze` run in an empty
 *    package outside the clone. Without --repo, or when
 *    the path is absent, part 2 is skipped with a message. The run test time is broken down by
 *    the selector's reason (a full run by the file that caused it). `--compare MODULE` asks a
 *    second selector the same questions in the same replay, e.g. the `src/testintel/index.ts`
 *    of an export of another revision (`git archive main | tar -x -C DIR`, with a node_modules
 *    link), to measure a rule change beside the rules before it on the same truth.
 */
import { existsSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import type { TestSelector } from "../../src/testintel/index.js";
import { measureSelectionCost } from "./selection-cost.js";
import { changedTestBaseline, pytestRunner, replay, vitestChangedBaseline, vitestRunner } from "./selection-replay.js";

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const pct = (a: number, b: number) => (b === 0 ? "n/a" : `${((100 * a) / b).toFixed(1)} %`);

console.log(
  `# change-based test selection · ${new Date().toISOString()} · ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB · load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);

if (!process.argv.includes("--skip-cost")) {
  const c = await measureSelectionCost();
  console.log(
    `\n## cost (synthetic: ${c.tests} test files, ${c.sources} sources, 3 changed)\n` +
      `select: ${c.selectMs.toFixed(0)} ms (selected ${c.selected}${c.fullRunReason ? `: ${c.fullRunReason}` : ""}); baseline (git diff + git ls-files alone): ${c.gitFloorMs.toFixed(0)} ms; target < 1000 ms\n` +
      `stored map: ${(c.mapBytes / 2 ** 20).toFixed(1)} MiB for ${c.tests} test files × ${c.mapDepsPerTest.toFixed(1)} files each; target < 50 MB`,
  );
}

const repo = arg("repo");
if (repo === undefined || !existsSync(repo)) {
  console.log(
    `\n## replay skipped: ${repo === undefined ? "no --repo given" : `${repo} does not exist`} (clone a project with a pytest suite, e.g. git clone https://github.com/pallets/itsdangerous /work/data/repos/itsdangerous, and pass --repo)`,
  );
} else {
  const commits = Number(arg("commits") ?? 100);
  const perCommit = Number(arg("mutants") ?? 2);
  const t0 = performance.now();
  const vitest = arg("runner") === "vitest";
  const compareModule = arg("compare");
  const compare = compareModule
    ? (new (await import(resolve(compareModule))).ChangeTestSelector() as TestSelector)
    : undefined;
  const r = await replay(
    repo,
    commits,
    vitest ? vitestRunner : pytestRunner,
    {
      mutantsPerCommit: perCommit,
      baseline: vitest ? vitestChangedBaseline : changedTestBaseline,
      nodeModules: arg("node-modules"),
      compare,
    },
    (s) => console.log(`  ${s}`),
  );
  console.log(
    `baseline: ${vitest ? "vitest list --changed BASE (vitest's related-tests mode)" : "changed test files plus tests named after a changed source (pytest has no related-tests mode)"}`,
  );
  const caught = r.failing.filter((f) => f.caught).length;
  const baseCaught = r.failing.filter((f) => f.baselineCaught).length;
  const real = r.failing.filter((f) => f.kind === "real");
  console.log(
    `\n## replay of ${repo}: ${r.commits} commits (${r.judged} with a suite report, ${r.fullRuns} full runs), ${((performance.now() - t0) / 1000).toFixed(0)} s\n` +
      `failing changes: ${r.failing.length} (${real.length} real, ${r.failing.length - real.length} mutants); caught by pitcrew ${caught} (${pct(caught, r.failing.length)}), by the baseline ${baseCaught} (${pct(baseCaught, r.failing.length)})\n` +
      `test files run: pitcrew ${pct(r.testFilesRun, r.testFilesTotal)}, baseline ${pct(r.baselineFilesRun, r.testFilesTotal)}; test time run: pitcrew ${pct(r.msRun, r.msTotal)}, baseline ${pct(r.baselineMsRun, r.msTotal)}\n` +
      `missed: ${JSON.stringify(r.failing.filter((f) => !f.caught).map((f) => ({ commit: f.commit.slice(0, 8), kind: f.kind, failing: f.failing })))}\n` +
      `\nrun test time by reason (pitcrew):\n${r.breakdown.lines(r.msTotal).join("\n")}`,
  );
  if (r.compared) {
    const c = r.compared;
    const cCaught = r.failing.filter((f) => f.compareCaught).length;
    console.log(
      `\n## compared selector (${compareModule}), same commits and mutants\n` +
        `caught ${cCaught}/${r.failing.length} (${pct(cCaught, r.failing.length)}); test files run ${pct(c.testFilesRun, r.testFilesTotal)}; test time run ${pct(c.msRun, r.msTotal)} (${c.fullRuns} full runs)\n` +
        `run test time by reason (compared):\n${c.breakdown.lines(r.msTotal).join("\n")}`,
    );
  }
}
