import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalForge } from "../../src/forge/local/local-forge.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describe("forge HTTP API", () => {
  let t: TestApp;
  let forge: LocalForge;
  let viewer: string;
  const call = (method: string, url: string, token?: string, payload?: unknown) =>
    t.server.inject({
      method: method as "GET",
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  beforeAll(async () => {
    t = await startTestApp();
    viewer = (await t.app.store.tokens.create("viewer", "viewer")).token;
    forge = new LocalForge({
      dataDir: t.dataDir,
      pullRequests: t.app.store.pullRequests,
      events: t.app.events,
      clock: t.app.clock,
    });
    await forge.createRepository("app", { fromPath: createRepo({ "a.txt": "1\n" }) });
    const work = join(mkdtempSync(join(tmpdir(), "pitcrew-clone-")), "app");
    execFileSync("git", ["clone", "--quiet", forge.cloneUrl("app"), work]);
    for (const b of ["one", "two"]) {
      gitIn(work, "checkout", "--quiet", "-B", b, "origin/main");
      commitFiles(work, { [`${b}.txt`]: `${b}\n` }, `add ${b}`);
      await forge.pushBranch("app", { branch: b, fromWorktree: work });
      await forge.openPullRequest({ repo: "app", head: b, base: "main", title: `Add ${b}`, author: "bob" });
    }
  });
  afterAll(async () => t?.dispose());

  it("lists and shows pull requests with diff, commits, comments and checks", async () => {
    const list = await call("GET", "/api/forge/app/pulls?state=open", viewer);
    expect(list.statusCode).toBe(200);
    expect(list.json().pullRequests.map((p: { number: number }) => p.number)).toEqual([2, 1]);
    const one = await call("GET", "/api/forge/app/pulls/1", viewer);
    expect(one.json()).toMatchObject({ number: 1, title: "Add one", state: "open", comments: [], checks: [] });
    expect(one.json().diff).toContain("+one");
    expect(one.json().commits).toHaveLength(1);
    expect((await call("GET", "/api/forge/app/pulls/9", viewer)).statusCode).toBe(404);
    expect((await call("GET", "/api/forge/..%2Fx/pulls", viewer)).statusCode).toBe(400);
  });

  it("comments, merges and closes as an operator; viewers and anonymous callers are refused", async () => {
    expect((await call("POST", "/api/forge/app/pulls/1/merge", undefined, {})).statusCode).toBe(401);
    expect((await call("POST", "/api/forge/app/pulls/1/merge", viewer, {})).statusCode).toBe(403);
    const c = await call("POST", "/api/forge/app/pulls/1/comments", t.adminToken, { body: "ship it" });
    expect(c.json()).toMatchObject({ author: "test-admin", body: "ship it" });
    const m = await call("POST", "/api/forge/app/pulls/1/merge", t.adminToken, { method: "fast-forward" });
    expect(m.json()).toMatchObject({ state: "merged", mergedBy: "test-admin" });
    const ff = await call("POST", "/api/forge/app/pulls/2/merge", t.adminToken, { method: "fast-forward" });
    expect(ff.statusCode).toBe(409);
    expect(ff.json().error.message).toMatch(/rebase/);
    const closed = await call("POST", "/api/forge/app/pulls/2/close", t.adminToken);
    expect(closed.json()).toMatchObject({ state: "closed" });
  });
});
