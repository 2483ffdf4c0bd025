import type { Kysely } from "kysely";
import type { DB } from "../schema.js";

/** The dependencies of one test file as recorded at one commit. */
export interface TestDependencies {
  testFile: string;
  commitSha: string;
  /** `v8` (V8 coverage) or `coverage.py`. */
  source: string;
  /** Repository files the test file exercised, sorted. */
  files: string[];
  /** Epoch ms. */
  recordedAt: number;
}

/** Commits kept per test file: older rows are deleted when a newer one is recorded. */
export const KEPT_COMMITS_PER_TEST = 3;
/** Most dependencies stored for one test file. */
export const MAX_DEPENDENCIES_PER_TEST = 20_000;
/** Most test files in one project's map. */
export const MAX_TEST_FILES_PER_PROJECT = 50_000;

/**
 * Per-test-file dependency maps of each project (migration 0036). Recording a commit writes the
 * rows of the test files it saw; the map used for a later commit is the newest row of each test
 * file, so maps are updated incrementally and each test's data keeps its own commit and age.
 */
export class TestDepsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Stores the dependencies of `tests` at `commitSha` in one transaction (replacing a row of the
   * same commit) and keeps only the newest {@link KEPT_COMMITS_PER_TEST} commits of each test file.
   * A test file with more than {@link MAX_DEPENDENCIES_PER_TEST} dependencies is not stored and
   * its older rows are deleted: no map at all rather than an incomplete one.
   */
  async record(
    projectId: number,
    commitSha: string,
    source: string,
    tests: ReadonlyMap<string, readonly string[]>,
    at: number,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const [testFile, files] of tests) {
        if (files.length > MAX_DEPENDENCIES_PER_TEST) {
          // a cut list would hide changes: the test file has no map (it then always runs)
          await trx
            .deleteFrom("test_dependencies")
            .where("project_id", "=", projectId)
            .where("test_file", "=", testFile)
            .execute();
          continue;
        }
        const text = [...files].sort().join("\n");
        await trx
          .insertInto("test_dependencies")
          .values({
            project_id: projectId,
            test_file: testFile,
            commit_sha: commitSha,
            source,
            files: text,
            recorded_at: at,
          })
          .onConflict((oc) =>
            oc.columns(["project_id", "test_file", "commit_sha"]).doUpdateSet({ source, files: text, recorded_at: at }),
          )
          .execute();
        const keep = await trx
          .selectFrom("test_dependencies")
          .select("commit_sha")
          .where("project_id", "=", projectId)
          .where("test_file", "=", testFile)
          .orderBy("recorded_at", "desc")
          .orderBy("commit_sha")
          .limit(KEPT_COMMITS_PER_TEST)
          .execute();
        await trx
          .deleteFrom("test_dependencies")
          .where("project_id", "=", projectId)
          .where("test_file", "=", testFile)
          .where(
            "commit_sha",
            "not in",
            keep.map((k) => k.commit_sha),
          )
          .execute();
      }
    });
  }

  /** Deletes every stored map of `testFiles` (they then have no dependency data); returns how many test files had one. */
  async forget(projectId: number, testFiles: readonly string[]): Promise<number> {
    let forgotten = 0;
    // in chunks: a step runs at most a few thousand test files, a bound list of parameters each
    for (let i = 0; i < testFiles.length; i += 500) {
      const rows = await this.db
        .deleteFrom("test_dependencies")
        .where("project_id", "=", projectId)
        .where("test_file", "in", testFiles.slice(i, i + 500))
        .returning("test_file")
        .execute();
      forgotten += new Set(rows.map((r) => r.test_file)).size;
    }
    return forgotten;
  }

  /** The newest recorded dependencies of each test file of the project (the map to select with). */
  async latest(projectId: number): Promise<TestDependencies[]> {
    // only the newest row(s) of each test file are read, not every kept commit
    const rows = await this.db
      .selectFrom("test_dependencies as td")
      .innerJoin(
        (eb) =>
          eb
            .selectFrom("test_dependencies")
            .select((e) => ["test_file", e.fn.max("recorded_at").as("newest")])
            .where("project_id", "=", projectId)
            .groupBy("test_file")
            .as("n"),
        (join) => join.onRef("n.test_file", "=", "td.test_file").onRef("n.newest", "=", "td.recorded_at"),
      )
      .selectAll("td")
      .where("td.project_id", "=", projectId)
      .orderBy("td.test_file")
      .orderBy("td.commit_sha")
      .limit(MAX_TEST_FILES_PER_PROJECT * KEPT_COMMITS_PER_TEST)
      .execute();
    const newest = new Map<string, TestDependencies>();
    for (const r of rows) {
      if (newest.has(r.test_file)) continue; // rows recorded at the same instant: the first commit by name
      newest.set(r.test_file, {
        testFile: r.test_file,
        commitSha: r.commit_sha,
        source: r.source,
        files: r.files === "" ? [] : r.files.split("\n"),
        recordedAt: Number(r.recorded_at),
      });
    }
    return [...newest.values()];
  }
}
