/**
 * The history test selector on SQLite and PostgreSQL: test files ordered by their likeliest
 * test's failure probability from the stored history (a file never seen as a new test), every
 * decision explained; `all` is path order; `select` runs everything and says why.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { createStore, type Store } from "../../src/store/index.js";
import { createHistorySelector } from "../../src/testintel/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { plan } from "../support/test-history.js";

/** Stores one run on `commit`: per test file, its tests and whether each failed. */
async function storeRun(s: Store, projectId: number, commit: string, files: Record<string, Record<string, boolean>>) {
  const run = await s.runs.create({ projectId, event: "push", branch: "main", commit, plan, triggeredBy: "t" });
  const [job] = await s.jobs.listForRun(run.id);
  await s.reports.addTests(
    Object.entries(files).flatMap(([file, tests]) =>
      Object.entries(tests).map(([name, failed]) => ({
        runId: run.id,
        jobId: job!.id,
        suite: file,
        classname: file,
        name,
        file,
        status: failed ? ("failed" as const) : ("passed" as const),
        durationMs: 30,
        projectId,
        testId: `${file}.${name}`,
        attempt: 1,
        commitSha: commit,
        branch: "main",
        createdAt: Date.now(),
      })),
    ),
  );
}

describe.each(await testDialects())("the history test selector on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("orders files by their likeliest failure, explains each, and runs everything in every mode", async () => {
    tdb = await make();
    const s = createStore(tdb.database, systemClock, createSecretBox(randomBytes(32)));
    const p = await s.projects.create({ name: "app", repoUrl: "/tmp/app" });
    for (let i = 1; i <= 6; i++) {
      await storeRun(s, p.id, String(i).repeat(40), {
        "t/stable.test.js": { adds: false, removes: false },
        "t/broken.test.js": { parses: i >= 5, prints: false },
      });
    }
    const selector = createHistorySelector(s);
    const testFiles = ["t/stable.test.js", "t/new.test.js", "t/broken.test.js"];
    const request = { project: "app", repoDir: "/tmp/app", commit: "7".repeat(40), testFiles };

    const prioritized = await selector.select({ ...request, mode: "prioritize" });
    expect(prioritized.run).toEqual(["t/broken.test.js", "t/new.test.js", "t/stable.test.js"]);
    expect(prioritized.fullRunReason).toBeUndefined();
    expect(prioritized.decisions.map((d) => [d.file, d.selected, d.reason])).toEqual([
      ["t/broken.test.js", true, "prioritized"],
      ["t/new.test.js", true, "prioritized"],
      ["t/stable.test.js", true, "prioritized"],
    ]);
    expect(prioritized.decisions[0]!.detail).toMatch(/^p\(fail\) 0\.\d{3} from t\/broken\.test\.js\.parses: /);
    const [broken, fresh, stable] = prioritized.decisions.map((d) => d.probability!);
    expect(broken).toBeGreaterThan(fresh!);
    expect(fresh).toBeGreaterThan(stable!);

    const all = await selector.select({ ...request, mode: "all" });
    expect(all.run).toEqual(["t/broken.test.js", "t/new.test.js", "t/stable.test.js"].sort());

    const select = await selector.select({ ...request, mode: "select" });
    expect(select.run).toEqual(prioritized.run);
    expect(select.fullRunReason).toMatch(/change-based selection is not available on this server/);
  });
});
