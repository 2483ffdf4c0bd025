import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { type NewPullRequest, PullRequestsRepo } from "./pull-requests-repo.js";

const pr = (repo: string, head = "feat"): NewPullRequest => ({
  repo,
  title: "t",
  body: "",
  headBranch: head,
  headSha: "a".repeat(40),
  baseBranch: "main",
  baseSha: "b".repeat(40),
  labels: ["repair"],
  author: "bob",
});

describe.each(await testDialects())("pull requests repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });
  const open = async () => {
    tdb = await make();
    return new PullRequestsRepo(tdb.database.db);
  };

  it("numbers pull requests per repository, also when opened concurrently", async () => {
    const repo = await open();
    const made = await Promise.all([1, 2, 3, 4].map(() => repo.create(pr("a"), 1)));
    expect(made.map((p) => p.number).sort()).toEqual([1, 2, 3, 4]);
    expect((await repo.create(pr("b"), 1)).number).toBe(1);
    expect(await repo.get("a", 2)).toMatchObject({ state: "open", labels: ["repair"], mergeCommit: null });
    await expect(repo.get("a", 9)).rejects.toMatchObject({ name: "NotFoundError" });
  });

  it("finishes a pull request once (compare-and-set on open)", async () => {
    const repo = await open();
    const p = await repo.create(pr("a"), 1);
    const results = await Promise.all([
      repo.finish(p.id, "merged", 5, { commit: "c".repeat(40), by: "alice", baseSha: "d".repeat(40) }),
      repo.finish(p.id, "closed", 5),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await repo.list("a", { state: "open" })).length).toBe(0);
  });

  it("keeps the latest result per check and comments in order", async () => {
    const repo = await open();
    const p = await repo.create(pr("a"), 1);
    const check = { name: "ci", headSha: "a".repeat(40), url: null, summary: null, updatedAt: 1 };
    await repo.setCheck(p.id, { ...check, status: "pending" });
    await repo.setCheck(p.id, { ...check, status: "success", summary: "ok", updatedAt: 2 });
    expect(await repo.checks(p.id)).toEqual([{ ...check, status: "success", summary: "ok", updatedAt: 2 }]);
    await repo.addComment(p.id, "a", "first", 1);
    await repo.addComment(p.id, "b", "second", 2);
    expect((await repo.comments(p.id)).map((c) => c.body)).toEqual(["first", "second"]);
    await repo.updateHead(p.id, "e".repeat(40), "f".repeat(40), 3);
    expect(await repo.list("a", { headBranch: "feat" })).toMatchObject([{ headSha: "e".repeat(40) }]);
  });
});
