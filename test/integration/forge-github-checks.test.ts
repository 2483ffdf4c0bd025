/**
 * A push run of a repository on (fake) GitHub shows on its commit: a check run authenticated as
 * a GitHub App, completed with the run's summary and the failed test of its real JUnit report as
 * an annotation on the test file's line, and the commit status `pitcrew/ci`; a pull request run
 * gets its check run without a status (the PR automation's). When GitHub keeps
 * failing, the run finishes all the same and `forge.check_failed` says why; once GitHub is back,
 * a restarted reporter's catch-up completes the check.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/common/logger.js";
import { CI_CHECK, GitHubForge, startRunCheckReporting } from "../../src/forge/index.js";
import { triggerRun } from "../../src/runner/index.js";
import { type FakeGitHub, startFakeGitHubServer } from "../fixtures/github/fake-github.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privateKey = keys.privateKey.export({ type: "pkcs1", format: "pem" }).toString();

const JUNIT = `<?xml version="1.0"?>
<testsuites><testsuite name="math" tests="2" failures="1">
  <testcase classname="math" name="adds" file="test/math.test.js" time="0.01"/>
  <testcase classname="math" name="divides" file="test/math.test.js" time="0.02">
    <failure message="expected 2 to be 3">AssertionError: expected 2 to be 3
    at test/math.test.js:7:14</failure>
  </testcase>
</testsuite></testsuites>`;

const PIPELINE = `on: { push: {}, pull_request: {} }
jobs:
  test:
    reports: { junit: "reports/*.xml" }
    steps:
      - run: mkdir -p reports && cp junit.txt reports/junit.xml && exit 1
`;

describe("GitHub commit checks for push runs", () => {
  let gh: FakeGitHub;
  let t: TestApp;
  let stop: () => void;
  let forge: GitHubForge;
  let src: string;
  let projectId: number;

  beforeAll(async () => {
    gh = await startFakeGitHubServer({ app: { appId: 11, installationId: 22, publicKey: keys.publicKey } });
    t = await startTestApp();
    forge = new GitHubForge({
      apiUrl: gh.apiUrl,
      gitUrl: gh.gitUrl,
      owner: "acme",
      app: { appId: 11, installationId: 22, privateKey },
      events: t.app.events,
      privateRepos: false,
      publicUrl: "https://ci.example.com",
      retryDelayMs: 5,
    });
    src = createRepo({ ".pitcrew/pipeline.yaml": PIPELINE, "junit.txt": JUNIT, "test/math.test.js": "// tests\n" });
    await forge.createRepository("lib", { fromPath: src });
    projectId = (await t.app.store.projects.create({ name: "lib", repoUrl: forge.cloneUrl("lib") })).id;
    stop = startRunCheckReporting({ forge, runner: t.app.runner, bus: t.app.bus, log: silentLogger() });
  });
  afterAll(async () => {
    stop?.();
    await t?.dispose();
    await gh?.close();
  });

  const until = async <T>(what: string, get: () => T | undefined): Promise<T> => {
    const end = Date.now() + 30_000;
    for (;;) {
      const v = get();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it("completes the run's check run with its summary and the failed test as an annotation, and sets the status", async () => {
    const sha = gitIn(src, "rev-parse", "HEAD").trim();
    const { run } = await triggerRun(t.app.runner, projectId, {
      event: "push",
      branch: "main",
      commit: sha,
      triggeredBy: "test",
    });
    expect(await t.waitForRun(run!.id)).toBe("failure");
    const repo = gh.repo("acme", "lib")!;
    const check = await until("the completed check run", () =>
      repo.checkRuns.get(sha)?.find((c) => c.status === "completed"),
    );
    expect(check).toMatchObject({
      name: CI_CHECK,
      externalId: String(run!.id),
      conclusion: "failure",
      detailsUrl: `https://ci.example.com/runs/${run!.id}`,
    });
    expect(check.title).toMatch(new RegExp(`^run ${run!.id}: failure`));
    expect(check.summary).toContain("| `test` | failure");
    expect(check.summary).toContain("### Failed tests (1)");
    expect(check.summary).toContain("- `math › divides` in `test/math.test.js`: `expected 2 to be 3`");
    expect(check.annotations).toEqual([
      {
        path: "test/math.test.js",
        start_line: 7,
        end_line: 7,
        annotation_level: "failure",
        title: "math › divides",
        message: expect.stringContaining("expected 2 to be 3"),
      },
    ]);
    expect(repo.checkRuns.get(sha)).toHaveLength(1);
    const statuses = await until("the failure status", () => {
      const s = repo.statuses.get(sha);
      return s?.at(-1)?.state === "failure" ? s : undefined;
    });
    expect(statuses[0]).toMatchObject({ context: CI_CHECK, state: "pending" });
  });

  it("gives a pull request run its own check run and leaves the PR's status to the PR automation", async () => {
    const sha = commitFiles(src, { "c.txt": "c\n" }, "feature");
    await forge.pushBranch("lib", { branch: "feature", fromWorktree: src });
    const { run } = await triggerRun(t.app.runner, projectId, {
      event: "pull_request",
      branch: "feature",
      commit: sha,
      baseBranch: "main",
      pullRequest: { number: 1, fork: false },
      triggeredBy: "pr:lib#1",
    });
    expect(await t.waitForRun(run!.id)).toBe("failure");
    const repo = gh.repo("acme", "lib")!;
    const check = await until("the PR run's completed check run", () =>
      repo.checkRuns.get(sha)?.find((c) => c.status === "completed"),
    );
    expect(check).toMatchObject({ externalId: String(run!.id), conclusion: "failure" });
    expect(check.summary).toContain("(pull_request on `feature`");
    expect(repo.statuses.get(sha)).toBeUndefined();
  });

  it("finishes the run when GitHub keeps failing, and says so in forge.check_failed", async () => {
    const sha = commitFiles(src, { "b.txt": "b\n" }, "second");
    await forge.pushBranch("lib", { branch: "main", fromWorktree: src });
    gh.failNext(1000, 502);
    const { run } = await triggerRun(t.app.runner, projectId, {
      event: "push",
      branch: "main",
      commit: sha,
      triggeredBy: "test",
    });
    expect(await t.waitForRun(run!.id)).toBe("failure");
    const list = () => t.app.events.list({ subjectPrefix: `run:${run!.id}`, type: "forge.check_failed" });
    let failed = await list();
    const end = Date.now() + 30_000;
    while (!failed.some((e) => (e.data as { state?: string }).state === "completed") && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      failed = await list();
    }
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]?.data).toMatchObject({ runId: run!.id, repo: "lib", sha, error: expect.stringContaining("502") });
    // GitHub is back and the server restarts: the catch-up completes the check and the status.
    gh.recover();
    stop();
    stop = startRunCheckReporting({ forge, runner: t.app.runner, bus: t.app.bus, log: silentLogger() });
    const repo = gh.repo("acme", "lib")!;
    await until("the caught-up check run", () => repo.checkRuns.get(sha)?.find((c) => c.status === "completed"));
    expect(repo.statuses.get(sha)?.at(-1)?.state).toBe("failure");
    expect(await t.app.store.runCheckReports.get(run!.id)).toBe("completed");
  });
});
