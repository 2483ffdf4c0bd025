/**
 * The poller with a real repository: the first poll of a newly added project builds the head of
 * its default branch (no push needed), and a later commit gets a push run of its own; a project
 * registered while the poller runs is picked up without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPolling } from "../../src/runner/index.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const PIPELINE = "name: ci\non: { push: { branches: [main] } }\njobs:\n  test:\n    steps:\n      - run: echo ok\n";

describe("polling", () => {
  let t: TestApp;
  let stop: () => void;
  let repo: string;
  let projectId: number;

  const runsOf = async () => (await t.app.store.runs.list({ projectId, limit: 100 })).filter((r) => r.event === "push");
  const until = async <T>(f: () => Promise<T | undefined>): Promise<T> => {
    for (let i = 0; i < 300; i++) {
      const v = await f();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("timed out");
  };

  beforeAll(async () => {
    t = await startTestApp();
    repo = createRepo({ ".pitcrew/pipeline.yaml": PIPELINE, "a.txt": "1" });
    projectId = (
      await t.app.store.projects.create({ name: "polled", repoUrl: repo, defaultBranch: "main", pollIntervalMs: 200 })
    ).id;
    stop = startPolling(t.app.runner, { rescanMs: 200 });
  }, 60_000);
  afterAll(async () => {
    stop?.();
    await t?.dispose();
  });

  it("builds the current head on the first poll, then each new commit once", async () => {
    const head = gitIn(repo, "rev-parse", "HEAD");
    const first = await until(async () => (await runsOf()).find((r) => r.commit === head));
    expect(first.triggeredBy).toBe("poll");
    expect(await t.waitForRun(first.id)).toBe("success");
    const next = commitFiles(repo, { "a.txt": "2" }, "change a");
    const second = await until(async () => (await runsOf()).find((r) => r.commit === next));
    expect(await t.waitForRun(second.id)).toBe("success");
    await new Promise((r) => setTimeout(r, 600));
    expect((await runsOf()).map((r) => r.commit).sort()).toEqual([head, next].sort());
  }, 60_000);

  it("polls a project registered after it started", async () => {
    const later = createRepo({ ".pitcrew/pipeline.yaml": PIPELINE, "b.txt": "1" });
    const { id } = await t.app.store.projects.create({
      name: "registered-later",
      repoUrl: later,
      defaultBranch: "main",
      pollIntervalMs: 200,
    });
    const head = gitIn(later, "rev-parse", "HEAD");
    const run = await until(async () =>
      (await t.app.store.runs.list({ projectId: id, limit: 10 })).find((r) => r.commit === head),
    );
    expect(run.triggeredBy).toBe("poll");
    expect(await t.waitForRun(run.id)).toBe("success");
  }, 60_000);
});
