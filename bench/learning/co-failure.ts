/**
 * bench:co-failure — the `test-cofailure` model (change-based selection's co-failure signal,
 * src/testintel/select/co-failure-model.ts):
 *
 * 1. Training + evaluation on a generated busy year held in memory: 50 commits a day for 365
 *    days, 300 test files, each commit changing 1–4 of 3,000 source files (a few often, most
 *    rarely); 40 of the often changed files break one test file each when changed (half the time), and every
 *    test file fails at random 0.3 % of the time, so rarely changed files co-fail with tests by
 *    chance. Trained on all but the last week, evaluated beside the shipped rule on that week
 *    (the same run, the same commits), the gate's decision as `pitcrew models train` takes it;
 *    the longest event-loop stall while training (target: under a minute in all).
 * 2. The same through the store, as the registry runs it (`ModelRegistry.train`: the data set read
 *    from SQLite, capped at its newest 2,000 runs): the last 2,000 commits of that year stored as
 *    runs with their changed files and outcomes.
 * 3. Real history: the gate's decision on real stored history needs each commit's changed files;
 *    the histories in bench/ data (the Commons CI CSVs) have none, so this part says so.
 *
 * `--skip-store` leaves part 2 out (storing 600,000 results takes minutes). Prints the figures
 * (bench/README.md records them).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Clock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { createMemoryBus, EventLog } from "../../src/events/index.js";
import { decidePromotion, ModelRegistry, seededRandom } from "../../src/learning/index.js";
import { createStore, migrateToLatest, openDatabase } from "../../src/store/index.js";
import {
  type CoFailureItem,
  type CoFailureSettings,
  coFailureScope,
  describeCoFailureSettings,
  SHIPPED_CO_FAILURE,
  TEST_COFAILURE,
  testCoFailureModel,
} from "../../src/testintel/index.js";
import { storeRunOutcomes } from "../../test/support/test-history.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 11, 1);
const PER_DAY = 50;
const TESTS = 300;
const SOURCES = 3000;
const COUPLED = 40;

/** One generated commit: the files it changed and each test file's outcome (failed ids). */
interface Generated extends CoFailureItem {
  sha: string;
}

/** The generated year (seeded), oldest first. */
function busyYear(seed = 11): Generated[] {
  const next = seededRandom(seed);
  const breaks = new Map<number, number>(); // coupled source → test file it breaks
  // coupled: every 5th of the 200 most often changed sources
  for (let k = 0; k < COUPLED; k++) breaks.set(5 * k, Math.floor(next() * TESTS));
  const out: Generated[] = [];
  for (let i = 0; i < 365 * PER_DAY; i++) {
    const n = 1 + Math.floor(next() * 4);
    const sources = Array.from({ length: n }, () => Math.floor(SOURCES * next() ** 2)); // low numbers change often
    const failed = new Set<string>();
    for (const s of sources) {
      const t = breaks.get(s);
      if (t !== undefined && next() < 0.5) failed.add(`tests/t${t}.py`);
    }
    for (let t = 0; t < TESTS; t++) if (next() < 0.003) failed.add(`tests/t${t}.py`);
    out.push({
      at: T0 + Math.floor((i * DAY) / PER_DAY),
      sha: i.toString(16).padStart(40, "0"),
      files: [...new Set(sources)].map((s) => `src/m${s}.py`),
      failedFiles: failed,
      tests: TESTS,
    });
  }
  return out;
}

/** Thrown to leave part 2 out (`--skip-store`). */
class SkipStore extends Error {}

const f = (x: number | undefined, d = 4) => (x === undefined ? "–" : x.toFixed(d));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

console.log(`# test-cofailure · ${new Date().toISOString()} · load ${load()}`);
console.log();
console.log(
  `## 1. Generated busy year in memory (${365 * PER_DAY} commits × ${TESTS} test files, ${SOURCES} sources, ${COUPLED} coupled)`,
);
const year = busyYear();
const cut = year.at(-1)!.at - 7 * DAY;
const train = year.filter((c) => c.at <= cut);
const held = year.filter((c) => c.at > cut);
const stall = monitorEventLoopDelay({ resolution: 5 });
stall.enable();
const t0 = performance.now();
const learnt: CoFailureSettings = await testCoFailureModel.train(train);
const t1 = performance.now();
stall.disable();
const candidate = testCoFailureModel.evaluate(learnt, train, held);
const t2 = performance.now();
const shipped = testCoFailureModel.evaluate(testCoFailureModel.initialState(), train, held);
const t3 = performance.now();
const decision = decidePromotion(testCoFailureModel, candidate, shipped);
const row = (name: string, m: Record<string, number>) =>
  `| ${name} | ${f(m.score)} | ${f(m.caught_share, 3)} | ${f(m.extra_files, 2)} | ${m.commits} |`;
console.log();
console.log("| settings | score | caught share | extra files / commit | held-out commits |");
console.log("| --- | --- | --- | --- | --- |");
console.log(row(`learnt: ${describeCoFailureSettings(learnt)}`, candidate.metrics));
console.log(row(`shipped: ${describeCoFailureSettings(SHIPPED_CO_FAILURE)}`, shipped.metrics));
console.log();
console.log(
  `- training ${((t1 - t0) / 1000).toFixed(1)} s (${train.length} commits, 144 settings, 4 replays), evaluation ${((t2 - t1) / 1000).toFixed(2)} s (learnt) + ${((t3 - t2) / 1000).toFixed(2)} s (shipped, the baseline), total ${((t3 - t0) / 1000).toFixed(1)} s (target < 60 s)`,
);
console.log(`- longest event-loop stall while training: ${(stall.max / 1e6).toFixed(0)} ms`);
console.log(`- gate: ${decision.reason}`);

console.log();
console.log("## 2. The same year's newest 2,000 commits through the store (SQLite), as `pitcrew models train` runs it");
const dir = mkdtempSync(join(tmpdir(), "pitcrew-bench-cofailure-"));
try {
  if (process.argv.includes("--skip-store")) throw new SkipStore();
  const stored = year.slice(-2000);
  let now = stored[0]!.at;
  const clock: Clock = { now: () => now };
  const database = await openDatabase(join(dir, "bench.db"));
  await migrateToLatest(database.db);
  const store = createStore(database, clock, createSecretBox(randomBytes(32)));
  const project = await store.projects.create({ name: "busy", repoUrl: "/tmp/busy" });
  const s0 = performance.now();
  for (const c of stored) {
    now = c.at;
    const outcomes: Record<string, boolean> = {};
    for (let t = 0; t < TESTS; t++) outcomes[`tests/t${t}.py.test`] = c.failedFiles.has(`tests/t${t}.py`);
    await storeRunOutcomes(store, project.id, c.sha, [outcomes], c.at, [...c.files]);
  }
  const s1 = performance.now();
  now = stored.at(-1)!.at + 1;
  const registry = new ModelRegistry({ store, events: new EventLog(store.events, createMemoryBus(), clock), clock }, [
    testCoFailureModel,
  ]);
  const scope = coFailureScope(project.id);
  const d0 = performance.now();
  const read = await testCoFailureModel.dataset(store, scope, { from: 0, to: now });
  const d1 = performance.now();
  const r0 = performance.now();
  const v = await registry.train(TEST_COFAILURE, scope, {
    horizonMs: 7 * DAY,
    windowMs: 180 * DAY,
  });
  const r1 = performance.now();
  const d = v.metrics.decision as { reason: string };
  console.log(
    `- stored ${stored.length} runs × ${TESTS} results in ${((s1 - s0) / 1000).toFixed(0)} s; reading the data set alone ${((d1 - d0) / 1000).toFixed(1)} s (${read.length} commits); registry.train (read + train + evaluate both) ${((r1 - r0) / 1000).toFixed(1)} s; ${v.counts.train} training / ${v.counts.evaluation} held-out commits`,
  );
  console.log(`- learnt: ${describeCoFailureSettings(v.state as CoFailureSettings)}; gate: ${d.reason}`);
  await database.db.destroy();
} catch (err) {
  if (!(err instanceof SkipStore)) throw err;
  console.log("- skipped (--skip-store)");
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log();
console.log("## 3. Real history");
console.log(
  "- skipped: no history in bench/ data records each commit's changed files (the Commons CI CSVs have test outcomes per cycle only), so the gate's decision on real history is not measured",
);
console.log();
console.log(`load at the end: ${load()}`);
