/**
 * The GitHub forge's commit checks against the fake GitHub, which validates the Checks API as
 * GitHub does (fake-github-check-run-rules.ts): check runs only from GitHub Apps, required fields,
 * at most 50 annotations a request, a summary of at most 65 535 characters, and the lifecycle
 * queued → in_progress → completed with a conclusion.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { CommitCheck } from "../../src/forge/commit-check.js";
import { CI_CHECK } from "../../src/forge/forge.js";
import { MAX_SUMMARY_CHARS } from "../../src/forge/github/github-check-runs.js";
import { GitHubForge } from "../../src/forge/github/github-forge.js";
import { type FakeGitHub, startFakeGitHubServer } from "../fixtures/github/fake-github.js";
import { createRepo, gitIn } from "../support/git-repo.js";

const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privateKey = keys.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const app = { appId: 99, installationId: 5 };

describe("GitHub commit checks (Checks API and statuses) against the fake GitHub", () => {
  let gh: FakeGitHub | undefined;
  afterEach(async () => {
    await gh?.close();
    gh = undefined;
  });

  /** A fake GitHub with the app installed, a forge (App auth unless `token`), and repository `lib` with one commit. */
  const setup = async (auth: "app" | "token" = "app") => {
    gh = await startFakeGitHubServer({ app: { ...app, publicKey: keys.publicKey } });
    const forge = new GitHubForge({
      apiUrl: gh.apiUrl,
      gitUrl: gh.gitUrl,
      owner: "acme",
      ...(auth === "app" ? { app: { ...app, privateKey } } : { token: gh.token }),
      events: { emit: async () => undefined },
      publicUrl: "https://ci.example.com",
      retryDelayMs: 5,
    });
    const src = createRepo({ "a.txt": "a\n" });
    await forge.createRepository("lib", { fromPath: src });
    const sha = gitIn(src, "rev-parse", "HEAD").trim();
    const fake = gh;
    const repo = () => fake.repo("acme", "lib")!;
    const check = (over: Partial<CommitCheck> = {}): CommitCheck => ({
      name: CI_CHECK,
      externalId: "7",
      sha,
      state: "queued",
      url: "/runs/7",
      title: "run 7: queued",
      summary: "| job | status |",
      withStatus: true,
      ...over,
    });
    return { gh: fake, forge, sha, repo, check };
  };

  const annotationsOf = async (gh: FakeGitHub, id: number) => {
    const all: { path: string; start_line: number; annotation_level: string }[] = [];
    for (let page = 1; ; page++) {
      const res = await fetch(`${gh.apiUrl}/repos/acme/lib/check-runs/${id}/annotations?per_page=100&page=${page}`, {
        headers: { authorization: `Bearer ${gh.token}` },
      });
      const items = (await res.json()) as typeof all;
      all.push(...items);
      if (items.length < 100) return all;
    }
  };

  it("moves one check run queued → in_progress → completed, with failed tests as annotations 50 a request", async () => {
    const { gh, forge, sha, repo, check } = await setup();
    await forge.reportCommitCheck("lib", check());
    await forge.reportCommitCheck("lib", check({ state: "in_progress", title: "run 7: running" }));
    const annotations = Array.from({ length: 120 }, (_, i) => ({
      path: `test/t${i}.test.js`,
      startLine: i + 1,
      endLine: i + 1,
      level: "failure" as const,
      title: `suite › test ${i}`,
      message: `expected ${i} to be ${i + 1}`,
    }));
    await forge.reportCommitCheck(
      "lib",
      check({ state: "completed", conclusion: "failure", title: "run 7: failure — test", annotations }),
    );

    const runs = repo().checkRuns.get(sha) ?? [];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      name: CI_CHECK,
      externalId: "7",
      status: "completed",
      conclusion: "failure",
      title: "run 7: failure — test",
      detailsUrl: "https://ci.example.com/runs/7",
    });
    const written = await annotationsOf(gh, runs[0]!.id);
    expect(written).toHaveLength(120);
    expect(written[119]).toMatchObject({ path: "test/t119.test.js", start_line: 120, annotation_level: "failure" });
    // create + in_progress + completed (first 50) + two more batches (50, 20): the fake refuses more than 50 a request
    const writes = gh.requests.filter((r) => /check-runs(\/\d+)?$/.test(r.path) && r.method !== "GET");
    expect(writes.map((r) => r.method)).toEqual(["POST", "PATCH", "PATCH", "PATCH", "PATCH"]);
    // The push run's commit status follows the check.
    expect(
      repo()
        .statuses.get(sha)
        ?.map((s) => s.state),
    ).toEqual(["pending", "pending", "failure"]);
  });

  it("creates one check run when GitHub created it but lost the answer (looks it up before posting again)", async () => {
    const { gh, forge, sha, repo, check } = await setup();
    gh.failAfterServing(1, 502);
    await forge.reportCommitCheck("lib", check({ state: "in_progress", withStatus: false }));
    expect(
      repo()
        .checkRuns.get(sha)
        ?.map((c) => [c.externalId, c.status]),
    ).toEqual([["7", "in_progress"]]);
    // A commit status is the same whether set once or twice: it is sent again.
    gh.failAfterServing(1, 502);
    await forge.reportCommitCheck("lib", check({ state: "completed", conclusion: "success" }));
    expect(
      repo()
        .checkRuns.get(sha)
        ?.map((c) => [c.externalId, c.status]),
    ).toEqual([["7", "completed"]]);
    expect(
      repo()
        .statuses.get(sha)
        ?.map((s) => s.state),
    ).toEqual(["success", "success"]);
  });

  it("cuts a summary longer than GitHub's 65 535 characters, saying so", async () => {
    const { forge, sha, repo, check } = await setup();
    const summary = `${"x".repeat(70_000)}END`;
    await forge.reportCommitCheck("lib", check({ state: "completed", conclusion: "success", summary }));
    const run = repo().checkRuns.get(sha)?.[0];
    expect(run?.summary?.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
    expect(run?.summary).toMatch(/^x+\n\n… \(truncated: GitHub shows at most 65 535 characters/);
  });

  it("never moves a check back; a completed check written again gets the new summary, not its annotations twice", async () => {
    const { gh, forge, sha, repo, check } = await setup();
    const done = check({
      state: "completed",
      conclusion: "failure",
      annotations: [{ path: "a.txt", startLine: 1, endLine: 1, level: "failure", message: "boom" }],
    });
    await forge.reportCommitCheck("lib", done);
    await forge.reportCommitCheck("lib", check({ state: "in_progress" }));
    await forge.reportCommitCheck("lib", { ...done, summary: "now with the explanation" });
    const runs = repo().checkRuns.get(sha) ?? [];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "completed", summary: "now with the explanation" });
    expect(await annotationsOf(gh, runs[0]!.id)).toHaveLength(1);
  });

  it("annotates failures added after completion (a later batch, a re-completion), each once", async () => {
    const { gh, forge, sha, repo, check } = await setup();
    const fail = (path: string) => ({ path, startLine: 2, endLine: 2, level: "failure" as const, message: "boom" });
    await forge.reportCommitCheck(
      "lib",
      check({ state: "completed", conclusion: "failure", annotations: [fail("a.js")] }),
    );
    const more = [fail("a.js"), fail("b.js"), fail("c.js")];
    await forge.reportCommitCheck("lib", check({ state: "completed", conclusion: "failure", annotations: more }));
    await forge.reportCommitCheck("lib", check({ state: "completed", conclusion: "failure", annotations: more }));
    const id = repo().checkRuns.get(sha)?.[0]?.id ?? 0;
    expect((await annotationsOf(gh, id)).map((a) => a.path).sort()).toEqual(["a.js", "b.js", "c.js"]);
  });

  it("gives a rerun of the same commit its own check run; a pull request run writes no status", async () => {
    const { forge, sha, repo, check } = await setup();
    await forge.reportCommitCheck("lib", check({ state: "completed", conclusion: "failure" }));
    await forge.reportCommitCheck("lib", check({ externalId: "8", withStatus: false }));
    expect(
      repo()
        .checkRuns.get(sha)
        ?.map((c) => [c.externalId, c.status]),
    ).toEqual([
      ["7", "completed"],
      ["8", "queued"],
    ]);
    expect(repo().statuses.get(sha)).toHaveLength(1);
  });

  it("with a token instead of an App writes only the commit status (GitHub lets only Apps write check runs)", async () => {
    const { gh, forge, sha, repo, check } = await setup("token");
    await forge.reportCommitCheck("lib", check({ state: "completed", conclusion: "success" }));
    expect(
      repo()
        .statuses.get(sha)
        ?.map((s) => [s.context, s.state, s.targetUrl]),
    ).toEqual([[CI_CHECK, "success", "https://ci.example.com/runs/7"]]);
    expect(repo().checkRuns.get(sha)).toBeUndefined();
    expect(gh.requests.some((r) => r.path.includes("check-runs"))).toBe(false);
    await expect(forge.reportCommitCheck("lib", check({ sha: "nope" }))).rejects.toThrow(/invalid commit/);
  });

  it("the fake refuses what GitHub refuses", async () => {
    const { gh, sha } = await setup("token");
    const post = (token: string, body: Record<string, unknown>, path = "check-runs", method = "POST") =>
      fetch(`${gh.apiUrl}/repos/acme/lib/${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { message: string; id: number } }));
    const ok = { name: "build", head_sha: sha, output: { title: "t", summary: "s" } };
    const actions = gh.actionsToken;
    expect(await post(gh.token, ok)).toMatchObject({
      status: 403,
      body: { message: "You must authenticate via a GitHub App." },
    });
    expect((await post(actions, { head_sha: sha })).status).toBe(422);
    expect((await post(actions, { ...ok, output: { title: "t" } })).body.message).toMatch(/"summary" wasn't supplied/);
    expect((await post(actions, { ...ok, status: "completed" })).status).toBe(422);
    expect((await post(actions, { ...ok, status: "done" })).status).toBe(422);
    const summary = "s".repeat(65_536);
    expect((await post(actions, { ...ok, output: { title: "t", summary } })).status).toBe(422);
    const annotation = { path: "a.txt", start_line: 1, end_line: 1, annotation_level: "failure", message: "m" };
    const many = (n: number) => ({
      ...ok,
      output: { title: "t", summary: "s", annotations: Array(n).fill(annotation) },
    });
    expect((await post(actions, many(51))).status).toBe(422);
    expect(
      (
        await post(actions, {
          ...ok,
          output: { ...many(1).output, annotations: [{ ...annotation, message: undefined }] },
        })
      ).status,
    ).toBe(422);
    const created = await post(actions, many(50));
    expect(created.status).toBe(201);
    const patch = (body: Record<string, unknown>) => post(actions, body, `check-runs/${created.body.id}`, "PATCH");
    expect((await patch({ conclusion: "success" })).status).toBe(200);
    expect((await patch({ status: "in_progress" })).body.message).toBe("Validation Failed");
  });
});
