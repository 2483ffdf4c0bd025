/**
 * Test history through the real store on SQLite and PostgreSQL: test cases stored with their
 * project, id, attempt, commit and branch come back per project and per test in run order, and
 * the history model built from them treats a retry on the same commit as flaky evidence. The
 * migration fills the history columns of rows stored before it.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { createStore, migrations, openDatabase } from "../../src/store/index.js";
import { flakyTests, historyFromRows, prioritize } from "../../src/testintel/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { plan, storeRunOutcomes } from "../support/test-history.js";

describe.each(await testDialects())("test history on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("reads a project's outcomes in run order, one test's newest first, and learns flakiness per commit", async () => {
    tdb = await make();
    const s = createStore(tdb.database, systemClock, createSecretBox(randomBytes(32)));
    const p = await s.projects.create({ name: "app", repoUrl: "/tmp/app" });
    const other = await s.projects.create({ name: "other", repoUrl: "/tmp/other" });
    const sha = (n: number) => String(n).repeat(40);
    await storeRunOutcomes(s, p.id, sha(1), [{ "a.T.stable": false, "a.T.retried": false }]);
    // The job failed, was retried on the same commit and passed: a.T.retried is flaky.
    await storeRunOutcomes(s, p.id, sha(2), [
      { "a.T.stable": false, "a.T.retried": true },
      { "a.T.stable": false, "a.T.retried": false },
    ]);
    const last = await storeRunOutcomes(s, p.id, sha(3), [{ "a.T.stable": true, "a.T.retried": false }]);
    await storeRunOutcomes(s, other.id, sha(4), [{ "o.T.x": true }]);

    const rows = await s.reports.projectHistory(p.id);
    expect(rows.map((r) => [r.commitSha[0], r.attempt, r.testId, r.status])).toEqual([
      ["1", 1, "a.T.stable", "passed"],
      ["1", 1, "a.T.retried", "passed"],
      ["2", 1, "a.T.stable", "passed"],
      ["2", 1, "a.T.retried", "failed"],
      ["2", 2, "a.T.stable", "passed"],
      ["2", 2, "a.T.retried", "passed"],
      ["3", 1, "a.T.stable", "failed"],
      ["3", 1, "a.T.retried", "passed"],
    ]);
    expect((await s.reports.projectHistory(p.id, { runs: 1 })).map((r) => r.runId)).toEqual([last.id, last.id]);
    expect((await s.reports.testHistory(p.id, "a.T.stable", 2)).map((r) => [r.commitSha[0], r.status])).toEqual([
      ["3", "failed"],
      ["2", "passed"],
    ]);

    const model = historyFromRows(rows);
    expect(model.runs).toBe(3);
    const flaky = flakyTests(model);
    expect(flaky.map((f) => [f.id, f.flaky])).toEqual([["a.T.retried", true]]);
    expect(flaky[0]!.evidence).toEqual([`run ${last.id - 1} (2222222, main): failed and passed in the same run`]);
    expect(prioritize(model, ["a.T.retried", "a.T.stable"])[0]!.id).toBe("a.T.stable");
  });
});

describe("migration 0014-test-history", () => {
  it("fills project, id, commit, branch and attempt of test results stored before it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pitcrew-test-history-"));
    const database = await openDatabase(join(dir, "db.sqlite"));
    try {
      const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } });
      // the migration just before 0014 (the store below writes columns 0009 and 0010 added)
      expect((await migrator.migrateTo("0010-trust")).error).toBeUndefined();
      const db = database.db;
      const now = Date.now();
      const { id: projectId } = await db
        .insertInto("projects")
        .values({
          name: "p",
          repo_url: "/tmp/p",
          default_branch: "main",
          pipeline_path: "x",
          sandbox: 0,
          webhook_secret: null,
          poll_interval_ms: 0,
          branch_heads: "{}",
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const s = createStore(database, systemClock, createSecretBox(randomBytes(32)));
      const run = await s.runs.create({
        projectId,
        event: "push",
        branch: "dev",
        commit: "c".repeat(40),
        plan,
        triggeredBy: "t",
      });
      const [j] = await s.jobs.listForRun(run.id);
      await db.updateTable("jobs").set({ attempt: 2 }).where("id", "=", j!.id).execute();
      const legacy = {
        run_id: run.id,
        job_id: j!.id,
        suite: "s",
        file: null,
        status: "passed",
        duration_ms: 5,
        message: null,
      };
      await (db as unknown as import("kysely").Kysely<{ test_results: Record<string, unknown> }>)
        .insertInto("test_results")
        .values([
          { ...legacy, classname: "pkg.Cls", name: "works" },
          { ...legacy, classname: "", name: "bare" },
        ])
        .execute();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const rows = await s.reports.projectHistory(projectId);
      expect(rows.map((r) => [r.testId, r.attempt, r.commitSha, r.branch])).toEqual([
        ["pkg.Cls.works", 2, "c".repeat(40), "dev"],
        ["bare", 2, "c".repeat(40), "dev"],
      ]);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
