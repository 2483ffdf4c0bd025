import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHubServer } from "../../../test/fixtures/github/fake-github.js";
import { commitFiles, createRepo } from "../../../test/support/git-repo.js";
import { GitHubClient } from "./github-client.js";
import { GitHubForge } from "./github-forge.js";

describe("GitHub client", () => {
  let gh: FakeGitHub | undefined;
  afterEach(async () => {
    await gh?.close();
    gh = undefined;
  });
  const client = async (token?: string) => {
    gh = await startFakeGitHubServer();
    return new GitHubClient({ apiUrl: gh.apiUrl, token: token ?? gh.token, retryDelayMs: 5 });
  };

  it("retries a 5xx, then succeeds", async () => {
    const c = await client();
    gh?.failNext(1, 502);
    expect((await c.request<{ login: string }>("GET", "/user")).data.login).toBe("pitcrew-bot");
    expect(gh?.requests.map((r) => r.path)).toEqual(["/api/v3/user", "/api/v3/user"]);
  });

  it("gives up after its bounded retries (backing off) with a clear error naming the endpoint", async () => {
    const c = await client();
    gh?.failNext(4, 503);
    const t0 = Date.now();
    await expect(c.request("GET", "/user")).rejects.toMatchObject({
      name: "GitHubError",
      status: 502,
      message: "GET /api/v3/user: GitHub answered 503: injected 503",
    });
    // 1 attempt + 3 retries, waiting 5, 10 and 20 ms.
    expect(gh?.requests).toHaveLength(4);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    const once = new GitHubClient({ apiUrl: gh?.apiUrl ?? "", token: gh?.token ?? "", retryDelayMs: 5, maxRetries: 1 });
    gh?.failNext(2, 500);
    await expect(once.request("GET", "/user")).rejects.toMatchObject({ name: "GitHubError" });
    expect(gh?.requests).toHaveLength(6);
  });

  it("sends a POST once when GitHub took it but answered 5xx (no duplicate), yet retries it on a rate limit", async () => {
    const c = await client();
    gh?.failAfterServing(1, 502);
    await expect(c.request("POST", "/user/repos", { body: { name: "once" } })).rejects.toMatchObject({
      name: "GitHubError",
      message: expect.stringContaining("502"),
    });
    expect(gh?.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(gh?.repo("pitcrew-bot", "once")).toBeDefined();
    gh?.failNext(1, 429, { "retry-after": "0" });
    await c.request("POST", "/user/repos", { body: { name: "twice" } });
    expect(gh?.requests.filter((r) => r.method === "POST")).toHaveLength(3);
    gh?.failNext(1, 502);
    await c.request("POST", "/user/repos", { body: { name: "again" }, idempotent: true });
    expect(gh?.requests.filter((r) => r.method === "POST")).toHaveLength(5);
  });

  it("waits out a secondary rate limit (403 naming it) and retries", async () => {
    const c = await client();
    gh?.failNext(
      1,
      403,
      {},
      "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    );
    expect((await c.request<{ login: string }>("GET", "/user")).data.login).toBe("pitcrew-bot");
    expect(gh?.requests).toHaveLength(2);
  });

  it("waits for the rate limit (Retry-After or x-ratelimit-reset) before retrying", async () => {
    const c = await client();
    gh?.failNext(1, 403, { "x-ratelimit-remaining": "0", "retry-after": "1" });
    const t0 = Date.now();
    await c.request("GET", "/user");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    gh?.failNext(1, 429, { "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000)) });
    await c.request("GET", "/user");
    expect(gh?.requests).toHaveLength(4);
  });

  it("does not retry a plain 403 and maps GitHub's answers to typed errors with its message", async () => {
    const c = await client();
    gh?.failNext(1, 403);
    await expect(c.request("GET", "/user")).rejects.toMatchObject({ name: "ForbiddenError" });
    expect(gh?.requests).toHaveLength(1);
    await expect(c.request("GET", "/repos/acme/nope")).rejects.toMatchObject({
      name: "NotFoundError",
      message: expect.stringContaining("404: Not Found"),
    });
    await expect(c.request("POST", "/orgs/acme/repos", { body: {} })).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("Repository creation failed.: name missing_field"),
    });
  });

  it("reports a bad token as GitHub's failure, not the caller's", async () => {
    const c = await client("ghp_wrong");
    await expect(c.request("GET", "/user")).rejects.toMatchObject({
      name: "GitHubError",
      message: expect.stringContaining("401: Bad credentials"),
    });
  });

  it("retries a connection failure, then says GitHub is unreachable", async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const { port } = srv.address() as { port: number };
    await new Promise<void>((r) => srv.close(() => r()));
    const c = new GitHubClient({ apiUrl: `http://127.0.0.1:${port}`, token: "t", retryDelayMs: 5 });
    await expect(c.request("GET", "/user")).rejects.toThrow(/GET \/user: GitHub is unreachable/);
  });

  it("follows Link rel=next through every page", async () => {
    const c = await client();
    const g = gh as FakeGitHub;
    const forge = new GitHubForge({
      apiUrl: g.apiUrl,
      gitUrl: g.gitUrl,
      owner: "acme",
      token: g.token,
      events: { emit: async () => undefined },
    });
    const src = createRepo({ "a.txt": "1\n" });
    await forge.createRepository("app", { fromPath: src });
    for (const b of ["b1", "b2", "b3"]) {
      commitFiles(src, { [`${b}.txt`]: b }, b);
      await forge.pushBranch("app", { branch: b, fromWorktree: src });
      await forge.openPullRequest({ repo: "app", head: b, base: "main", title: b, author: "x" });
    }
    const all = await c.paginate<{ number: number }>("/repos/acme/app/pulls", { per_page: 2, state: "all" });
    expect(all.map((p) => p.number)).toEqual([3, 2, 1]);
    expect(g.requests.filter((r) => r.path.includes("per_page=2")).map((r) => r.path)).toEqual([
      "/api/v3/repos/acme/app/pulls?per_page=2&state=all",
      "/api/v3/repos/acme/app/pulls?per_page=2&state=all&page=2",
    ]);
  });
});
