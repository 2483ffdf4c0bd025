/**
 * The agent hub's estimate of a job it has not seen since it started, read back from the real
 * store (SQLite and PostgreSQL): the last successful runs of the same key in the project.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { DurationPredictor } from "../../src/agents/index.js";
import { pendingJob } from "../../src/agents/hub-schedule.js";
import type { Clock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import type { RunnerDeps } from "../../src/runner/index.js";
import { createStore, type Store } from "../../src/store/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { plan } from "../support/test-history.js";

describe.each(await testDialects())("hub estimates from the store on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("estimates a job it never saw from its project's last successful runs of that key", async () => {
    tdb = await make();
    let t = 1_000_000;
    const clock: Clock = { now: () => t };
    const s: Store = createStore(tdb.database, clock, createSecretBox(randomBytes(32)));
    const p = await s.projects.create({ name: "app", repoUrl: "/tmp/app" });
    const jobOfRun = async (ms: number | null) => {
      const jobs = plan.jobs.map((j) => ({ ...j, key: "build", name: "build" }));
      const run = await s.runs.create({
        projectId: p.id,
        event: "push",
        branch: "main",
        commit: "a".repeat(40),
        plan: { ...plan, jobs },
        triggeredBy: "test",
      });
      const [job] = await s.jobs.listForRun(run.id);
      if (ms === null) return job!;
      await s.jobs.transition(job!.id, ["queued"], "running");
      t += ms;
      await s.jobs.transition(job!.id, ["running"], "success");
      return job!;
    };
    for (const ms of [40_000, 60_000, 50_000]) await jobOfRun(ms);
    const waiting = await jobOfRun(null);

    const deps = { store: s, clock } as RunnerDeps;
    const { pending, view } = await pendingJob(deps, new DurationPredictor(), { jobId: waiting.id, attempt: 1 }, [], t);
    expect(pending).toMatchObject({ project: "app", class: "default-branch", estimateMs: 50_000 });
    expect(view).toMatchObject({ jobId: waiting.id, key: "build", estimateMs: 50_000 });
  });
});
