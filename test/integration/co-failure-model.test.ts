/**
 * Co-failure as a learned model (`test-cofailure`), on real stored runs (SQLite and PostgreSQL):
 * a project whose many rarely changed files co-fail with tests by chance, beside one file whose
 * change really breaks one test, is better served by stricter settings than the shipped rule;
 * training finds them by replaying the stored commits, the gate promotes them over the shipped rule
 * on the week it never saw (same run, paired bootstrap), and commits that suddenly change far more
 * files raise `model.drift`. Then, on a real git repository, change-based selection counts
 * co-failure with the live version's settings and names it in the decision.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { createMemoryBus, EventLog } from "../../src/events/index.js";
import { checkDrift, ModelRegistry, seededRandom } from "../../src/learning/index.js";
import { createStore, type Store } from "../../src/store/index.js";
import {
  ChangeTestSelector,
  type CoFailureSettings,
  coFailureScope,
  SHIPPED_CO_FAILURE,
  TEST_COFAILURE,
  type TestSelection,
  testCoFailureModel,
} from "../../src/testintel/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { storeRunOutcomes } from "../support/test-history.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 9, 1);
const TESTS = 40;

/** The decision for one test file of a selection. */
const decision = (s: TestSelection, file: string) => s.decisions.find((d) => d.file === file)!;

describe.each(await testDialects())("test-cofailure model on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  async function setup() {
    tdb = await make();
    let t = T0;
    const clock: Clock = { now: () => t };
    const store: Store = createStore(tdb.database, clock, createSecretBox(randomBytes(32)));
    const events = new EventLog(store.events, createMemoryBus(), clock);
    const project = await store.projects.create({ name: "shop", repoUrl: "/tmp/shop" });
    const random = seededRandom(1);
    let n = 0;
    /**
     * Stores one commit's run, every 2 hours: it changes two of 200 rarely changed files (and
     * src/core.ts with chance `core`); pkg.T0 fails on 90 % of the core changes, the other tests
     * at random (2 %), so the rare files co-fail with tests by chance.
     */
    const commit = async (opts: { core?: number; extraFiles?: number } = {}) => {
      t = T0 + n * 2 * HOUR;
      const files = [0, 0].map(() => `src/f${Math.floor(random() * 200)}.ts`);
      for (let k = 0; k < (opts.extraFiles ?? 0); k++) files.push(`lib/g${Math.floor(random() * 500)}.ts`);
      const core = random() < (opts.core ?? 0.15);
      if (core) files.push("src/core.ts");
      const outcomes: Record<string, boolean> = {};
      for (let k = 0; k < TESTS; k++) {
        outcomes[`pkg.T${k}.test_x`] = k === 0 ? core && random() < 0.9 : random() < 0.02;
      }
      await storeRunOutcomes(store, project.id, n.toString(16).padStart(40, "0"), [outcomes], t, files);
      n++;
    };
    return { store, events, deps: { store, events, clock }, project, commit, at: () => t };
  }

  it("learns stricter settings than the shipped rule from stored commits, is promoted through the gate and explains a judgement", async () => {
    const { store, deps, project, commit, at } = await setup();
    for (let i = 0; i < 12 * 35; i++) await commit(); // 35 days, 12 commits a day
    const scope = coFailureScope(project.id);
    const items = await testCoFailureModel.dataset(store, scope, { from: T0, to: at() });
    expect(items).toHaveLength(420);
    expect(items[0]).toMatchObject({ tests: TESTS });

    const registry = new ModelRegistry(deps, [testCoFailureModel]);
    const trained = await registry.train(TEST_COFAILURE, scope, { horizonMs: 7 * DAY, windowMs: 60 * DAY });
    expect(trained.counts).toMatchObject({ evaluation: 12 * 7, evaluationUnits: 12 * 7 });
    const state = trained.state as CoFailureSettings;
    expect(state).not.toEqual(SHIPPED_CO_FAILURE);
    const decisionOf = trained.metrics.decision as {
      promote: boolean;
      candidate: { metrics: Record<string, number> };
      incumbent: { metrics: Record<string, number> };
    };
    const [c, inc] = [decisionOf.candidate.metrics, decisionOf.incumbent.metrics];
    // the shipped rule adds about 3 test files per commit that do not fail; the learnt settings few
    expect(inc.extra_files).toBeGreaterThan(2);
    expect(c.extra_files).toBeLessThan(1);
    expect(c.score).toBeGreaterThan(inc.score!);
    expect(decisionOf.promote).toBe(true);
    const live = await registry.promote(TEST_COFAILURE, scope, trained.version);
    expect(live.status).toBe("live");
    expect(live.reason).toMatch(/^promoted: better than the incumbent beyond the noise: score /);

    // a judgement through the port, with the co-failures behind it
    const why = testCoFailureModel.explain(state, {
      history: items,
      changed: ["src/core.ts", "src/f1.ts"],
      testFile: "pkg.T0",
    });
    expect(why.summary).toMatch(
      /^failed with changes to src\/core\.ts before \(p = 0\.\d\d from \d+ commits of history: failed on \d+ of the \d+ commits that changed it; test-cofailure: last \d+ commits/,
    );
    expect(why.features[0]).toMatchObject({ name: "co-failed with src/core.ts" });
    expect(
      testCoFailureModel.predict(state, { history: items, changed: ["src/core.ts"], testFile: "pkg.T0" }),
    ).toMatchObject({
      selected: true,
      hit: { file: "src/core.ts" },
    });
  });

  it("raises model.drift when commits start changing far more files, not on the same stream", async () => {
    const { store, deps, project, commit, at } = await setup();
    for (let i = 0; i < 12 * 21; i++) await commit();
    const registry = new ModelRegistry(deps, [testCoFailureModel]);
    const scope = coFailureScope(project.id);
    const v = await registry.train(TEST_COFAILURE, scope, { horizonMs: 7 * DAY, windowMs: 60 * DAY });
    await registry.promote(TEST_COFAILURE, scope, v.version, { force: true });
    const check = () => checkDrift(deps, registry, TEST_COFAILURE, scope, { from: at() - 2 * DAY, to: at() });

    for (let i = 0; i < 12 * 2; i++) await commit();
    expect((await check())?.drifted).toBe(false);
    for (let i = 0; i < 12 * 2; i++) await commit({ extraFiles: 30 });
    const drifted = await check();
    expect(drifted?.drifted).toBe(true);
    expect(drifted?.reasons.join("; ")).toMatch(/feature changed_files PSI/);
    expect((await store.events.list({ type: "model.drift" })).map((e) => e.data.model)).toEqual([TEST_COFAILURE]);
  });

  it("trains and is judged on protected pushed runs only: pull requests and other branches change nothing", async () => {
    const { store, project, commit, at } = await setup();
    for (let i = 0; i < 12 * 10; i++) await commit();
    const scope = coFailureScope(project.id);
    const window = { from: T0, to: at() + DAY };
    const before = await testCoFailureModel.dataset(store, scope, window);
    const trained = await testCoFailureModel.train(before);
    // a hostile pull request: many commits changing src/core.ts with nothing failing, and passes on main's own commits
    const quiet = Object.fromEntries(Array.from({ length: TESTS }, (_, k) => [`pkg.T${k}.test_x`, false]));
    for (let i = 0; i < 300; i++) {
      const sha = i < 50 ? i.toString(16).padStart(40, "0") : `e${i}`.padStart(40, "0");
      const trust = i % 3 === 0 ? "fork" : i % 3 === 1 ? "pull_request" : "branch";
      await storeRunOutcomes(store, project.id, sha, [quiet], at() + HOUR, ["src/core.ts"], trust);
    }
    const after = await testCoFailureModel.dataset(store, scope, window);
    expect(after).toEqual(before);
    expect(await testCoFailureModel.train(after)).toEqual(trained);
    // the same runs counted in would have made core.ts look harmless
    const all = await store.reports.projectHistory(project.id, { runs: 2000 });
    expect(new Set(all.map((r) => r.runTrust))).toEqual(new Set(["protected", "fork", "pull_request", "branch"]));
  });
});

describe.each(await testDialects())("change-based selection with a live test-cofailure version on %s", (_n, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("counts co-failure with the live version's settings and names the version in the decision", async () => {
    tdb = await make();
    let t = Date.now() - 10 * HOUR;
    const clock: Clock = { now: () => t };
    const store = createStore(tdb.database, clock, createSecretBox(randomBytes(32)));
    const events = new EventLog(store.events, createMemoryBus(), clock);
    const repo = createRepo({
      "src/a.mjs": "export const a = 1;\n",
      "src/b.mjs": "export const b = 2;\n",
      "src/data.json": '{"n": 0}\n',
      // names the data file: its change is accounted for, so it is no full run
      "test/a.test.mjs": 'import { a } from "../src/a.mjs";\n// reads data.json at run time\nconsole.log(a);\n',
      "test/b.test.mjs": 'import { b } from "../src/b.mjs";\nconsole.log(b);\n',
    });
    const project = await store.projects.create({ name: "demo", repoUrl: repo });
    const run = async (files: Record<string, string>, bFails: boolean) => {
      const sha = commitFiles(repo, files, "change");
      const changed = Object.keys(files);
      await storeRunOutcomes(store, project.id, sha, [{ "test/b.test.mjs.works": bFails }], t, changed);
      t += HOUR;
      return sha;
    };
    // test/b failed on each of the 3 commits that changed the data file, then 3 quiet commits
    for (let i = 1; i <= 3; i++) await run({ "src/data.json": `{"n": ${i}}\n` }, true);
    let base = "";
    for (let i = 1; i <= 3; i++) base = await run({ "README.md": `# demo ${i}\n` }, false);
    const head = commitFiles(repo, { "src/data.json": '{"n": 9}\n' }, "data");
    const select = () =>
      new ChangeTestSelector(store).select({
        project: "demo",
        repoDir: repo,
        commit: head,
        baseCommit: base,
        testFiles: ["test/a.test.mjs", "test/b.test.mjs"],
        mode: "select",
      });

    const shipped = decision(await select(), "test/b.test.mjs");
    expect(shipped).toMatchObject({ selected: true, reason: "co-failure" });
    expect(shipped.detail).toBe(
      "failed with changes to src/data.json before (p = 0.80 from 6 commits of history: failed on 3 of the 3 commits that changed it; shipped rule: last 300 commits, prior 2, p ≥ 0.15, support 1)",
    );

    // a version is trained on these commits and forced live (too few held-out commits for the gate)
    const registry = new ModelRegistry({ store, events, clock }, [testCoFailureModel]);
    const scope = coFailureScope(project.id);
    const v1 = await registry.train(TEST_COFAILURE, scope, { horizonMs: 2.5 * HOUR, windowMs: DAY });
    expect(v1.metrics.decision).toMatchObject({ promote: false });
    await registry.promote(TEST_COFAILURE, scope, v1.version, { force: true });
    const learnt = decision(await select(), "test/b.test.mjs");
    expect(learnt.detail).toMatch(/; test-cofailure v1: last \d+ commits, prior \d, p ≥ 0\.\d+, support \d\)$/);

    // a version that asks for more co-failures than the history holds: the data file no longer selects test/b
    const strict = await store.modelVersions.create({
      ...v1,
      status: "candidate",
      reason: "stricter",
      state: { ...SHIPPED_CO_FAILURE, minSupport: 4 },
      parentVersion: v1.version,
      at: clock.now(),
    });
    await registry.promote(TEST_COFAILURE, scope, strict.version, { force: true });
    expect(decision(await select(), "test/b.test.mjs")).toMatchObject({ selected: false, reason: "unaffected" });
  });

  it("counts protected runs only: a pull request's quiet commits cannot make a protected run skip a test", async () => {
    tdb = await make();
    let t = Date.now() - 100 * HOUR;
    const store = createStore(tdb.database, { now: () => t }, createSecretBox(randomBytes(32)));
    const repo = createRepo({
      "src/a.mjs": "export const a = 1;\n",
      "src/b.mjs": "export const b = 2;\n",
      "src/data.json": '{"n": 0}\n',
      "test/a.test.mjs": 'import { a } from "../src/a.mjs";\n// reads data.json at run time\nconsole.log(a);\n',
      "test/b.test.mjs": 'import { b } from "../src/b.mjs";\nconsole.log(b);\n',
    });
    await store.projects.create({ name: "demo", repoUrl: repo });
    const run = async (files: Record<string, string>, outcomes: Record<string, boolean>, trust?: "pull_request") => {
      const sha = commitFiles(repo, files, "change");
      await storeRunOutcomes(store, 1, sha, [outcomes], t, Object.keys(files), trust);
      t += HOUR;
      return sha;
    };
    // on main: test/b failed on each of the 3 commits that changed the data file, test/a on the last one
    for (let i = 1; i <= 3; i++) await run({ "src/data.json": `{"n": ${i}}\n` }, { "test/b.test.mjs.works": true });
    let base = "";
    for (let i = 1; i <= 3; i++)
      base = await run({ "README.md": `# demo ${i}\n` }, { "test/a.test.mjs.works": i === 3 });
    const head = commitFiles(repo, { "src/data.json": '{"n": 9}\n' }, "data");
    const select = async () =>
      (
        await new ChangeTestSelector(store).select({
          project: "demo",
          repoDir: repo,
          commit: head,
          baseCommit: base,
          testFiles: ["test/a.test.mjs", "test/b.test.mjs"],
          mode: "select",
        })
      ).decisions.map(({ file, selected, reason, detail }) => ({ file, selected, reason, detail }));
    const trusted = await select();
    expect(trusted.find((d) => d.file === "test/b.test.mjs")).toMatchObject({ selected: true, reason: "co-failure" });
    expect(trusted.find((d) => d.file === "test/a.test.mjs")).toMatchObject({ reason: "failed-recently" });

    // a pull request pushes 20 commits changing the data file on which nothing fails (then main moves on)
    gitIn(repo, "checkout", "--quiet", "-b", "hostile", base);
    const quiet = { "test/a.test.mjs.works": false, "test/b.test.mjs.works": false };
    for (let i = 0; i < 20; i++) await run({ "src/data.json": `{"n": ${100 + i}}\n` }, quiet, "pull_request");
    gitIn(repo, "checkout", "--quiet", "-");
    // (only the order's probabilities, which select nothing, learn from every run)
    expect(await select()).toEqual(trusted);
  });
});
