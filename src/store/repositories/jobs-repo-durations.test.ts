import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { plan } from "../../../test/support/test-history.js";
import type { Clock } from "../../common/clock.js";
import { createSecretBox } from "../../common/secret-box.js";
import { createStore } from "../store.js";

describe.each(await testDialects())("finished job durations on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("reduces a run's changed paths once, to one path per top-level directory, bounded", async () => {
    tdb = await make();
    let t = 1_000_000;
    const clock: Clock = { now: () => t };
    const store = createStore(tdb.database, clock, createSecretBox(randomBytes(32)));
    const project = await store.projects.create({ name: "mono", repoUrl: "/tmp/mono" });
    const jobs = ["build", "test", "lint"].map((key) => ({ ...plan.jobs[0]!, key, name: key }));
    // a huge commit: 20,000 paths over 100 directories, and a small one
    const huge = Array.from({ length: 20_000 }, (_, i) => `dir-${i % 100}/file-${i}.ts`);
    const small = ["README.md", "src/a.ts", "src/b.ts", "docs/x.md"];
    for (const changedFiles of [huge, small]) {
      const run = await store.runs.create({
        projectId: project.id,
        event: "push",
        branch: "main",
        commit: "a".repeat(40),
        plan: { ...plan, jobs },
        triggeredBy: "test",
        changedFiles,
      });
      for (const job of await store.jobs.listForRun(run.id)) {
        await store.jobs.transition(job.id, ["queued"], "running");
        t += 1000;
        await store.jobs.transition(job.id, ["running"], "success");
      }
    }
    const rows = await store.jobs.finishedDurations(project.id, 0, t, 100);
    expect(rows.map((r) => r.key)).toEqual(["build", "test", "lint", "build", "test", "lint"]);
    const [hugeRows, smallRows] = [rows.slice(0, 3), rows.slice(3)];
    expect(hugeRows[0]!.areaPaths).toHaveLength(64);
    expect(hugeRows[0]!.areaPaths.slice(0, 2)).toEqual(["dir-0/file-0.ts", "dir-1/file-1.ts"]);
    // the jobs of one run share its reduced paths
    expect(hugeRows[1]!.areaPaths).toBe(hugeRows[0]!.areaPaths);
    expect(smallRows[2]!.areaPaths).toEqual(["README.md", "src/a.ts", "docs/x.md"]);
    expect(rows.every((r) => r.finishedAt - r.startedAt === 1000)).toBe(true);
  });
});
