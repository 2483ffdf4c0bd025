import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFailureExplanations } from "../../src/failures/index.js";
import { silentLogger } from "../../src/common/logger.js";
import { BOT_USER, CI_CHECK } from "../../src/forge/forge.js";
import { LocalForge } from "../../src/forge/local/local-forge.js";
import { startForgeAutomation } from "../../src/forge/pr-pipeline.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** Polls until the pull request's CI check has a final status. */
async function finalCheck(forge: LocalForge, number: number): Promise<string> {
  const end = Date.now() + 60_000;
  for (;;) {
    const pr = await forge.getPullRequest("app", number);
    const c = (await forge.listChecks(pr)).find((x) => x.name === CI_CHECK);
    if (c && c.status !== "pending") return c.status;
    if (Date.now() > end) throw new Error(`check still ${c?.status ?? "missing"}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("forge pull requests drive pipelines", () => {
  let t: TestApp;
  let forge: LocalForge;
  let stop: () => void;
  let work: string;
  beforeAll(async () => {
    t = await startTestApp();
    forge = new LocalForge({
      dataDir: t.dataDir,
      pullRequests: t.app.store.pullRequests,
      events: t.app.events,
      clock: { now: () => Date.now() },
      botPolicy: { requiredChecks: [CI_CHECK] },
    });
    const stopForge = startForgeAutomation({ forge, runner: t.app.runner, bus: t.app.bus, log: silentLogger() });
    const stopExplaining = startFailureExplanations(t.app);
    stop = () => {
      stopForge();
      stopExplaining();
    };
    const src = createRepo({
      ".pitcrew/pipeline.yaml":
        "on: { pull_request: { branches: [main] } }\njobs:\n  test:\n    steps: [{ run: test -f ok.txt }]\n",
    });
    await forge.createRepository("app", { fromPath: src });
    await forge.protectBranch("app", "main", { requiredChecks: [CI_CHECK] });
    await t.app.store.projects.create({ name: "app", repoUrl: `file://${forge.cloneUrl("app")}` });
    work = join(mkdtempSync(join(tmpdir(), "pitcrew-clone-")), "app");
    execFileSync("git", ["clone", "--quiet", forge.cloneUrl("app"), work]);
  });
  afterAll(async () => {
    stop?.();
    await t?.dispose();
  });

  it("runs the pipeline on open and on push, records pitcrew/ci, and lets the bot merge once green", async () => {
    gitIn(work, "checkout", "--quiet", "-b", "fix/ok");
    commitFiles(work, { "readme.txt": "no ok yet\n" }, "not yet");
    await forge.pushBranch("app", { branch: "fix/ok", fromWorktree: work, actor: BOT_USER });
    const pr = await forge.openPullRequest({
      repo: "app",
      head: "fix/ok",
      base: "main",
      title: "Fix",
      author: BOT_USER,
    });
    expect(await finalCheck(forge, pr.number)).toBe("failure");
    // The failure's explanation reaches the check's summary (set again on job.explained).
    const end = Date.now() + 30_000;
    let summary = "";
    while (!summary.includes(" — ") && Date.now() < end) {
      summary = (await forge.listChecks(pr)).find((c) => c.name === CI_CHECK)?.summary ?? "";
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(summary).toMatch(/^run \d+: failure — \w+: .*step 'test -f ok.txt' failed: exit code 1/);
    await expect(forge.merge(pr, { method: "squash", by: BOT_USER })).rejects.toMatchObject({ name: "ForbiddenError" });

    commitFiles(work, { "ok.txt": "ok\n" }, "add ok");
    await forge.pushBranch("app", { branch: "fix/ok", fromWorktree: work, actor: BOT_USER });
    expect(await finalCheck(forge, pr.number)).toBe("success");
    const merged = await forge.merge(pr, { method: "squash", by: BOT_USER });
    expect(merged.state).toBe("merged");

    const runs = await t.app.store.runs.list({ limit: 10 });
    expect(runs.every((r) => r.event === "pull_request" && r.triggeredBy === "pr:app#1")).toBe(true);
    const types = (await t.app.events.list({ subjectPrefix: "pr:app#1" })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["pr.opened", "pr.synchronized", "pr.check", "pr.merged"]));
  });

  it("builds on start a pull request opened while it was stopped", async () => {
    stop();
    gitIn(work, "checkout", "--quiet", "-b", "fix/later", "origin/main");
    commitFiles(work, { "ok.txt": "ok\n" }, "ok");
    await forge.pushBranch("app", { branch: "fix/later", fromWorktree: work, actor: BOT_USER });
    const pr = await forge.openPullRequest({
      repo: "app",
      head: "fix/later",
      base: "main",
      title: "Later",
      author: BOT_USER,
    });
    await new Promise((r) => setTimeout(r, 200));
    expect((await forge.listChecks(pr)).find((c) => c.name === CI_CHECK)).toBeUndefined(); // nobody listened
    const stopForge = startForgeAutomation({ forge, runner: t.app.runner, bus: t.app.bus, log: silentLogger() });
    const stopExplaining = startFailureExplanations(t.app);
    stop = () => {
      stopForge();
      stopExplaining();
    };
    expect(await finalCheck(forge, pr.number)).toBe("success");
  });
});
