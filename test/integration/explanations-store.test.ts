/**
 * Failure explanations in the real store on SQLite and PostgreSQL (migrations 0015, 0034): saved per
 * job attempt, replaced when the same attempt is explained again, listed per run, found by
 * signature across projects; the successful runs of the same job a failure is compared with, and
 * the job's finished history with its run facts and agent, newest first, only of the same project
 * and key.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { createStore, type Store } from "../../src/store/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { plan } from "../support/test-history.js";

/** A run of a one-job plan whose job (renamed `key`) ended with `status`. */
async function runWithJob(s: Store, projectId: number, key: string, status: "success" | "failure") {
  const jobs = plan.jobs.map((j) => ({ ...j, key, name: key }));
  const run = await s.runs.create({
    projectId,
    event: "manual",
    branch: "main",
    commit: "a".repeat(40),
    plan: { ...plan, jobs },
    triggeredBy: "test",
  });
  const [job] = await s.jobs.listForRun(run.id);
  await s.jobs.transition(job!.id, ["queued"], "running");
  expect(await s.jobs.transition(job!.id, ["running"], status)).toBe(true);
  return { run, job: job! };
}

describe.each(await testDialects())("failure explanations on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("stores one explanation per job attempt and finds the job's recent successes", async () => {
    tdb = await make();
    const s = createStore(tdb.database, systemClock, createSecretBox(randomBytes(32)));
    const p = await s.projects.create({ name: "app", repoUrl: "/tmp/app" });
    const other = await s.projects.create({ name: "other", repoUrl: "/tmp/other" });
    const ok1 = await runWithJob(s, p.id, "build", "success");
    await runWithJob(s, p.id, "lint", "success");
    await runWithJob(s, other.id, "build", "success");
    const ok2 = await runWithJob(s, p.id, "build", "success");
    const red = await runWithJob(s, p.id, "build", "failure");
    const later = await runWithJob(s, p.id, "build", "success");

    const successes = await s.jobs.recentSuccesses(p.id, "build", red.job.id, 10);
    expect(successes.map((j) => j.id)).toEqual([ok2.job.id, ok1.job.id]);
    expect((await s.jobs.recentSuccesses(p.id, "build", red.job.id, 1)).map((j) => j.id)).toEqual([ok2.job.id]);
    expect(successes.map((j) => j.id)).not.toContain(later.job.id);

    const base = { jobId: red.job.id, attempt: 1, runId: red.run.id, createdAt: 1000 };
    await s.explanations.save({ ...base, category: "test", confidence: 0.5, explanation: { lines: [] } });
    await s.explanations.save({
      ...base,
      category: "compile",
      confidence: 0.75,
      explanation: { lines: [{ line: 3 }] },
    });
    expect(await s.explanations.listForRun(red.run.id)).toEqual([
      { ...base, category: "compile", confidence: 0.75, explanation: { lines: [{ line: 3 }] }, signature: null },
    ]);
    expect(await s.explanations.listForRun(ok1.run.id)).toEqual([]);

    // the same signature in another project: counted, oldest first
    const elsewhere = await runWithJob(s, other.id, "build", "failure");
    const sig = { category: "compile", confidence: 1, explanation: {}, signature: "abc123abc123" };
    await s.explanations.save({ ...base, ...sig, createdAt: 2000 });
    await s.explanations.save({
      jobId: elsewhere.job.id,
      attempt: 1,
      runId: elsewhere.run.id,
      ...sig,
      createdAt: 3000,
    });
    const found = await s.explanations.withSignature("abc123abc123", 1);
    expect(found.count).toBe(2);
    expect(found.oldest.map((e) => e.jobId)).toEqual([red.job.id]);
    expect((await s.explanations.withSignature("000000000000", 5)).count).toBe(0);

    // the job's history: finished runs of the key in the project, newest first, up to a job
    const history = await s.jobs.history(p.id, "build", later.job.id, 10);
    expect(history.map((h) => [h.jobId, h.status])).toEqual([
      [later.job.id, "success"],
      [red.job.id, "failure"],
      [ok2.job.id, "success"],
      [ok1.job.id, "success"],
    ]);
    expect(history[1]).toMatchObject({ runId: red.run.id, branch: "main", event: "manual", agent: null });
    expect((await s.jobs.history(p.id, "build", red.job.id, 2)).map((h) => h.jobId)).toEqual([red.job.id, ok2.job.id]);

    // a job an agent ran carries the agent's name and its labels, sorted
    const { info } = await s.tokens.create("agents", "agent");
    const agent = await s.agents.register(
      { name: "r2", tokenId: info.id, labels: ["x64", "gpu"], capacity: { cpus: 2 }, concurrency: 1, version: "1" },
      1000,
    );
    const onAgent = await runWithJob(s, p.id, "build", "failure");
    await s.agents.openLease(agent.id, onAgent.job.id, 1, 1000);
    const [latest] = await s.jobs.history(p.id, "build", onAgent.job.id, 1);
    expect(latest).toMatchObject({ jobId: onAgent.job.id, agent: "r2", agentLabels: ["gpu", "x64"] });
    expect(history[1]!.agentLabels).toEqual([]);
  });
});
