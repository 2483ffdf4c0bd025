import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app/app.js";
import { configSchema } from "../../src/common/config/config-schema.js";
import { silentLogger } from "../../src/common/logger.js";
import { CI_CHECK, signGitHubPayload, startForgeAutomation } from "../../src/forge/index.js";
import { gitAuthEnv } from "../../src/forge/github/git-auth.js";
import { startWorkers } from "../../src/runner/index.js";
import { createServer } from "../../src/server/server.js";
import { type FakeGitHubProcess, startFakeGitHub } from "../fixtures/github/fake-github-process.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";

const SECRET = "webhook-secret-for-the-test";

/** pitcrew configured with `forge.driver: github` against the fake GitHub, serving HTTP in-process. */
describe("GitHub forge: webhook → PR event → pipeline → commit status on GitHub", () => {
  let gh: FakeGitHubProcess;
  let app: App;
  let server: FastifyInstance;
  let stop: () => void;
  let dataDir: string;

  beforeAll(async () => {
    gh = await startFakeGitHub();
    process.env.PITCREW_TEST_GH_TOKEN = gh.token;
    process.env.PITCREW_TEST_GH_SECRET = SECRET;
    dataDir = mkdtempSync(join(tmpdir(), "pitcrew-app-"));
    const config = configSchema.parse({
      runner: { kill_grace: "1s" },
      forge: {
        driver: "github",
        github: {
          owner: "acme",
          api_url: gh.apiUrl,
          git_url: gh.gitUrl,
          token_env: "PITCREW_TEST_GH_TOKEN",
          webhook_secret_env: "PITCREW_TEST_GH_SECRET",
          public_url: "https://pitcrew.example.com",
          private_repos: false,
        },
      },
    });
    app = await createApp({ config, dataDir, databaseUrl: `sqlite:${join(dataDir, "db")}` }, { log: silentLogger() });
    await startWorkers(app.runner);
    server = createServer(app);
    await server.ready();
    stop = startForgeAutomation({ forge: app.forge, runner: app.runner, bus: app.bus, log: silentLogger() });
  });
  afterAll(async () => {
    stop?.();
    await server?.close();
    await app?.close();
    await gh?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const deliver = (event: string, payload: unknown, secret = SECRET) => {
    const body = JSON.stringify(payload);
    return server.inject({
      method: "POST",
      url: "/api/forge/webhook",
      headers: {
        "content-type": "application/json",
        "x-github-event": event,
        "x-hub-signature-256": signGitHubPayload(body, secret),
      },
      payload: body,
    });
  };

  it("builds a pull request someone opened on GitHub and reports pitcrew/ci back as a commit status", async () => {
    const src = createRepo({
      ".pitcrew/pipeline.yaml": "on: { pull_request: {} }\njobs:\n  test:\n    steps: [{ run: test -f ok.txt }]\n",
    });
    await app.forge.createRepository("app", { fromPath: src });
    await app.store.projects.create({ name: "app", repoUrl: app.forge.cloneUrl("app") });

    // A contributor pushes a branch and opens a PR on GitHub, without pitcrew.
    const work = join(mkdtempSync(join(tmpdir(), "pitcrew-clone-")), "app");
    execFileSync("git", ["clone", "--quiet", app.forge.cloneUrl("app"), work]);
    gitIn(work, "checkout", "--quiet", "-b", "feature");
    const sha = commitFiles(work, { "ok.txt": "ok\n" }, "add ok");
    execFileSync("git", ["push", "--quiet", "origin", "feature"], {
      cwd: work,
      env: { ...process.env, ...gitAuthEnv(gh.gitUrl, gh.token) },
    });
    const res = await fetch(`${gh.apiUrl}/repos/acme/app/pulls`, {
      method: "POST",
      headers: { authorization: `token ${gh.token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "Feature", head: "feature", base: "main" }),
    });
    const { number } = (await res.json()) as { number: number };

    const payload = {
      action: "opened",
      number,
      pull_request: { head: { ref: "feature", sha }, base: { ref: "main" }, merged: false },
      repository: { name: "app", owner: { login: "acme" } },
      sender: { login: "octocat" },
    };
    expect((await deliver("pull_request", payload, "wrong-secret")).statusCode).toBe(401);
    const own = await deliver("pull_request", { ...payload, sender: { login: gh.login } });
    expect(own.json()).toMatchObject({ skipped: expect.stringContaining("pitcrew itself") });
    const ok = await deliver("pull_request", payload);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ emitted: "pr.opened", subject: `pr:app#${number}` });

    const end = Date.now() + 60_000;
    for (;;) {
      const pr = await app.forge.getPullRequest("app", number);
      const check = (await app.forge.listChecks(pr)).find((c) => c.name === CI_CHECK);
      if (check && check.status !== "pending") {
        expect(check).toMatchObject({ status: "success", headSha: sha });
        expect(check.url).toMatch(/^https:\/\/pitcrew\.example\.com\/runs\/\d+$/);
        break;
      }
      if (Date.now() > end) throw new Error(`check still ${check?.status ?? "missing"}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const runs = await app.store.runs.list({ limit: 5 });
    expect(runs.map((r) => [r.event, r.commit, r.triggeredBy])).toEqual([["pull_request", sha, `pr:app#${number}`]]);
  });
});

describe("forge config", () => {
  it("keeps the local forge by default and refuses a github driver without owner or token", async () => {
    expect(configSchema.parse({}).forge).toEqual({ driver: "local" });
    const missing = configSchema.safeParse({ forge: { driver: "github" } });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]).toMatchObject({
      path: ["forge", "github"],
      message: expect.stringContaining("owner"),
    });
    expect(configSchema.safeParse({ forge: { driver: "github", github: { owner: "-bad" } } }).success).toBe(false);

    const dir = mkdtempSync(join(tmpdir(), "pitcrew-app-"));
    const config = configSchema.parse({
      forge: { driver: "github", github: { owner: "acme", token_env: "PITCREW_TEST_UNSET_TOKEN" } },
    });
    delete process.env.PITCREW_TEST_UNSET_TOKEN;
    await expect(
      createApp({ config, dataDir: dir, databaseUrl: `sqlite:${join(dir, "db")}` }, { log: silentLogger() }),
    ).rejects.toThrow("forge.github.token_env: environment variable PITCREW_TEST_UNSET_TOKEN is empty or unset");
    rmSync(dir, { recursive: true, force: true });
  });
});
