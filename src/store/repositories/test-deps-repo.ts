import type { Kysely } from "kysely";
import type { DB } from "../schema.js";

/** The dependencies of one test file as recorded at one commit. */
export interface TestDependencies {
  testFile: string;
  commitSha: string;
  /** `v8` (coverage). */
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
        const text = [...files].sort().slice(0, MAX_DEPENDENCIES_PER_TEST).join("\n");
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

  /** The newest recorded dependencies of each test file of the project (the map to select with). */
  async latest(projectId: number): Promise<TestDependencies[]> {
    const rows = await this.db
      .selectFrom("test_dependencies")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("recorded_at", "desc")
      .orderBy("commit_sha")
      .limit(MAX_TEST_FILES_PER_PROJECT * KEPT_COMMITS_PER_TEST)
      .execute();
    const newest = new Map<string, TestDependencies>();
    for (const r of rows) {
      if (newest.has(r.test_file)) continue;
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
