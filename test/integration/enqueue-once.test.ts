/**
 * The scheduler adds each waiting job's queue item once per attempt (the store records it), not
 * again on every pass over its run: a 200-job run, half of its jobs waiting on the other half,
 * counts the adds per job attempt through the real queue.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triggerRun } from "../../src/runner/index.js";
import { createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const PAIRS = 100;

describe("enqueue once per job attempt", () => {
  let t: TestApp;
  const adds = new Map<string, number>();
  beforeAll(async () => {
    t = await startTestApp({ concurrency: 4 });
    const queue = t.app.runner.queue;
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = (name, payload, opts) => {
      const key = opts?.dedupeKey ?? "(none)";
      adds.set(key, (adds.get(key) ?? 0) + 1);
      return enqueue(name, payload, opts);
    };
  });
  afterAll(async () => t?.dispose());

  it("adds each of a 200-job run's jobs to the queue at most twice", async () => {
    const lines = ["jobs:"];
    for (let i = 0; i < PAIRS; i++)
      lines.push(
        `  a${i}:`,
        `    steps: [{ run: "true" }]`,
        `  b${i}:`,
        `    needs: a${i}`,
        `    steps: [{ run: "true" }]`,
      );
    const repo = createRepo({ ".pitcrew/pipeline.yaml": `${lines.join("\n")}\n` });
    const project = await t.app.store.projects.create({ name: "wide", repoUrl: repo, sandbox: false });
    const { run } = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" });
    expect(await t.waitForRun(run!.id, 240_000)).toBe("success");
    const jobs = await t.app.store.jobs.listForRun(run!.id);
    expect(jobs).toHaveLength(2 * PAIRS);
    const perJob = jobs.map((j) => adds.get(`job:${j.id}:1`) ?? 0);
    // every job was added, none more than twice (once; twice only if two passes raced past the record)
    expect(Math.min(...perJob)).toBe(1);
    expect(Math.max(...perJob)).toBeLessThanOrEqual(2);
    expect(perJob.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * PAIRS * 1.1);
    expect(jobs.every((j) => j.enqueuedAttempt === 1)).toBe(true);
  }, 300_000);
});
