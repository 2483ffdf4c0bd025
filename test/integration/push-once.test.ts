/**
 * A commit pushed to a branch is built once: the poller, a webhook and a heal shipping its merge
 * trigger the same push run, even at the same moment (issue 19: two builds of one commit ran at
 * once and fought over the app's fixed test port).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triggerRun } from "../../src/runner/index.js";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describe("one run per pushed commit", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.dispose());

  it("concurrent and later pushes of a commit share one run; a manual trigger and a new commit do not", async () => {
    const repo = createRepo({ ".pitcrew/pipeline.yaml": "jobs:\n  build:\n    steps:\n      - run: sleep 0.2\n" });
    const project = await t.app.store.projects.create({ name: "once", repoUrl: repo });
    const push = (by: string, commit?: string) =>
      triggerRun(t.app.runner, project.id, { event: "push", branch: "main", commit, triggeredBy: by });
    const [a, b, c] = await Promise.all([push("poll"), push("pitcrew-heal"), push("webhook")]);
    expect(a.run!.id).toBe(b.run!.id);
    expect(c.run!.id).toBe(a.run!.id);
    expect(await t.waitForRun(a.run!.id)).toBe("success");
    expect((await push("poll")).run!.id).toBe(a.run!.id);

    const manual = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "alice" });
    expect(manual.run!.id).not.toBe(a.run!.id);
    const next = commitFiles(repo, { "a.txt": "1\n" }, "next");
    const later = await push("poll", next);
    expect(later.run!.id).not.toBe(a.run!.id);
    expect(later.run!.commit).toBe(next);
    const runs = await t.app.store.runs.list({ projectId: project.id });
    expect(runs.filter((r) => r.event === "push")).toHaveLength(2);
    await t.waitForRun(manual.run!.id);
    await t.waitForRun(later.run!.id);
  });
});
