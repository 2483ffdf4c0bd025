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
 *    the path is absent, part 2 is skipped with a message.
 */
import { existsSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
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
      `select: ${c.selectMs.toFixed(0)} ms (selected ${c.selected}); baseline (git diff + git ls-files alone): ${c.gitFloorMs.toFixed(0)} ms; target < 1000 ms\n` +
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
  const r = await replay(
    repo,
    commits,
    vitest ? vitestRunner : pytestRunner,
    {
      mutantsPerCommit: perCommit,
      baseline: vitest ? vitestChangedBaseline : changedTestBaseline,
      nodeModules: arg("node-modules"),
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
      `missed: ${JSON.stringify(r.failing.filter((f) => !f.caught).map((f) => ({ commit: f.commit.slice(0, 8), kind: f.kind, failing: f.failing })))}`,
  );
}
