import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";
import { BOT_USER, CI_CHECK } from "../../src/forge/forge.js";
import { gitAuthEnv } from "../../src/forge/github/git-auth.js";
import { GitHubForge } from "../../src/forge/github/github-forge.js";
import { startFakeGitHub } from "../fixtures/github/fake-github-process.js";
import { type ForgeUnderTest, runForgeConformance } from "./forge.conformance.js";
import { subjectKey } from "../../src/events/index.js";

/** The GitHub forge against the fake GitHub (organisation `acme`, token account `pitcrew-bot`). */
async function setup() {
  const gh = await startFakeGitHub({ login: "pitcrew-bot" });
  const events: ForgeUnderTest["events"] = [];
  const forge = new GitHubForge({
    apiUrl: gh.apiUrl,
    gitUrl: gh.gitUrl,
    owner: "acme",
    token: gh.token,
    webhookSecret: "a-webhook-secret-of-some-length",
    events: { emit: async (type, subject, data) => events.push({ type, subject: subjectKey(subject), data }) },
    // Public, so the suite's plain `git clone` works (a private repository needs credentials).
    privateRepos: false,
    retryDelayMs: 10,
    pollMs: 20,
  });
  const t: ForgeUnderTest = {
    forge,
    events,
    capabilities: { actsAs: gh.login },
    dispose: () => gh.close(),
  };
  return { ...t, gh };
}

runForgeConformance("github (fake GitHub over HTTP)", setup);

it("authenticates every API call and every push, and never puts the token in a URL", async () => {
  const t = await setup();
  try {
    const { createRepo } = await import("../support/git-repo.js");
    await t.forge.createRepository("app", { fromPath: createRepo({ "a.txt": "1\n" }) });
    const reqs = await t.gh.requests();
    expect(reqs.filter((r) => !r.git).every((r) => r.authorized)).toBe(true);
    expect(reqs.filter((r) => r.git && r.method === "POST").every((r) => r.authorized)).toBe(true);
    expect(reqs.some((r) => r.git && r.path.endsWith("/git-receive-pack"))).toBe(true);
    expect(reqs.some((r) => r.path.includes(t.gh.token))).toBe(false);
    expect(t.forge.cloneUrl("app")).not.toContain(t.gh.token);

    // Repositories are private unless configured otherwise: reading needs the token too.
    const priv = new GitHubForge({
      apiUrl: t.gh.apiUrl,
      gitUrl: t.gh.gitUrl,
      owner: "acme",
      token: t.gh.token,
      events: { emit: async () => undefined },
    });
    const { cloneUrl } = await priv.createRepository("secret", { fromPath: createRepo({ "s.txt": "s\n" }) });
    const lsRemote = (env: Record<string, string> = {}) =>
      execFileSync("git", ["ls-remote", cloneUrl, "refs/heads/main"], {
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...env },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    expect(() => lsRemote()).toThrow();
    expect(lsRemote(gitAuthEnv(t.gh.gitUrl, t.gh.token))).toMatch(/^[0-9a-f]{40}\trefs\/heads\/main/);
  } finally {
    await t.dispose();
  }
});

it("reads GitHub check runs (e.g. Actions) beside commit statuses and holds the bot to them", async () => {
  const t = await setup();
  try {
    const { commitFiles, createRepo } = await import("../support/git-repo.js");
    const src = createRepo({ "a.txt": "1\n" });
    await t.forge.createRepository("app", { fromPath: src });
    await t.forge.protectBranch("app", "main", { requiredChecks: ["build"] });
    const sha = commitFiles(src, { "a.txt": "2\n" }, "change");
    await t.forge.pushBranch("app", { branch: "fix", fromWorktree: src, actor: BOT_USER });
    const pr = await t.forge.openPullRequest({
      repo: "app",
      head: "fix",
      base: "main",
      title: "Fix",
      author: BOT_USER,
    });
    const checkRun = (status: string, conclusion?: string) =>
      fetch(`${t.gh.apiUrl}/repos/acme/app/check-runs`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.gh.actionsToken}`, "content-type": "application/json" },
        body: JSON.stringify({
          name: "build",
          head_sha: sha,
          status,
          conclusion,
          output: { title: "Build", summary: "" },
        }),
      });
    await checkRun("in_progress");
    await t.forge.setCheck(pr, { name: CI_CHECK, status: "success" });
    expect(await t.forge.listChecks(pr)).toMatchObject([
      { name: CI_CHECK, status: "success", headSha: sha },
      { name: "build", status: "pending", summary: "Build" },
    ]);
    await expect(t.forge.merge(pr, { method: "squash", by: BOT_USER })).rejects.toThrow(/'build' is pending/);
    await checkRun("completed", "failure");
    await expect(t.forge.merge(pr, { method: "squash", by: "alice" })).rejects.toMatchObject({
      name: "ForbiddenError",
      message: expect.stringContaining('Required status check "build"'),
    });
    await checkRun("completed", "success");
    expect(await t.forge.merge(pr, { method: "squash", by: BOT_USER })).toMatchObject({ state: "merged" });
  } finally {
    await t.dispose();
  }
});
