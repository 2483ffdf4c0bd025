/**
 * The forge conformance suite: every Forge implementation runs it (`runForgeConformance(name,
 * setup)`); the local forge against real git and both store dialects, the GitHub forge against a
 * fake GitHub over real HTTP (recorded responses + real git smart HTTP). The repository is
 * observed only through a clone (`git fetch`), never through the forge's storage, so the same
 * assertions hold for both. Where semantics legitimately differ, a capability flag says so.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BOT_USER, type Forge } from "../../src/forge/forge.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";

/** Where a forge's semantics legitimately differ from the local forge's. */
export interface ForgeCapabilities {
  /**
   * Every action is attributed to this forge account, not to the `by`/`author` passed (GitHub:
   * the token's user, so `mergedBy` is that login). Unset: the forge records `by` (local forge).
   */
  actsAs?: string;
}

/** A forge under test, the events it emitted, and how to dispose of it. */
export interface ForgeUnderTest {
  forge: Forge;
  events: { type: string; subject: string; data: Record<string, unknown> }[];
  capabilities?: ForgeCapabilities;
  dispose(): Promise<void>;
}

/** Registers the conformance tests for one forge implementation. */
export function runForgeConformance(name: string, setup: () => Promise<ForgeUnderTest>): void {
  describe(`forge conformance: ${name}`, () => {
    let t: ForgeUnderTest | undefined;
    afterEach(async () => {
      await t?.dispose();
      t = undefined;
    });

    /** A forge with repo `app` (main: a.txt) and a clone of it to work in. */
    const start = async () => {
      t = await setup();
      const src = createRepo({ "a.txt": "one\n" });
      await t.forge.createRepository("app", { fromPath: src });
      const work = join(mkdtempSync(join(tmpdir(), "pitcrew-clone-")), "app");
      execFileSync("git", ["clone", "--quiet", t.forge.cloneUrl("app"), work]);
      return { forge: t.forge, events: t.events, work, actsAs: t.capabilities?.actsAs };
    };
    /** The forge's current tip of `main`, seen through the clone. */
    const tip = (work: string) => {
      gitIn(work, "fetch", "--quiet", "origin");
      return gitIn(work, "rev-parse", "origin/main");
    };
    const branch = (work: string, name: string, files: Record<string, string>, from = "origin/main") => {
      gitIn(work, "fetch", "--quiet", "origin");
      gitIn(work, "checkout", "--quiet", "-B", name, from);
      return commitFiles(work, files, `change ${Object.keys(files).join(",")}`);
    };

    it("opens a pull request with diff, commits, comments and checks, and emits events", async () => {
      const { forge, events, work } = await start();
      const sha = branch(work, "fix/x", { "a.txt": "two\n" });
      expect(await forge.pushBranch("app", { branch: "fix/x", fromWorktree: work, actor: BOT_USER })).toBe(sha);
      const pr = await forge.openPullRequest({
        repo: "app",
        head: "fix/x",
        base: "main",
        title: "Fix x",
        body: "why",
        labels: ["repair"],
        author: BOT_USER,
      });
      expect(pr).toMatchObject({ number: 1, state: "open", headSha: sha, labels: ["repair"], author: BOT_USER });
      expect(await forge.diff(pr)).toContain("+two");
      expect((await forge.commits(pr)).map((c) => c.sha)).toEqual([sha]);
      await forge.addComment(pr, { author: "alice", body: "looks good" });
      expect((await forge.listComments(pr)).map((c) => c.body)).toEqual(["looks good"]);
      await forge.setCheck(pr, { name: "pitcrew/ci", status: "pending" });
      await forge.setCheck(pr, { name: "pitcrew/ci", status: "success", summary: "ok" });
      expect(await forge.listChecks(pr)).toMatchObject([{ name: "pitcrew/ci", status: "success", headSha: sha }]);
      expect((await forge.listPullRequests({ repo: "app", state: "open" })).map((p) => p.number)).toEqual([1]);
      expect(events.map((e) => e.type)).toEqual(["pr.opened", "pr.commented", "pr.check", "pr.check"]);
      expect(events[0]?.subject).toBe("pr:app#1");
    });

    it("synchronizes on push: head moves, old checks no longer count", async () => {
      const { forge, events, work } = await start();
      branch(work, "feat", { "b.txt": "b\n" });
      await forge.pushBranch("app", { branch: "feat", fromWorktree: work });
      const pr = await forge.openPullRequest({ repo: "app", head: "feat", base: "main", title: "Feat", author: "bob" });
      await forge.setCheck(pr, { name: "pitcrew/ci", status: "success" });
      const sha2 = commitFiles(work, { "b.txt": "bb\n" }, "more");
      await forge.pushBranch("app", { branch: "feat", fromWorktree: work });
      expect((await forge.getPullRequest("app", pr.number)).headSha).toBe(sha2);
      expect(await forge.listChecks(pr)).toEqual([]);
      expect(events.map((e) => e.type)).toContain("pr.synchronized");
    });

    it("merges by fast-forward, refuses it once base moved, squashes, and reports conflicts", async () => {
      const { forge, work, actsAs } = await start();
      const s1 = branch(work, "f1", { "b.txt": "b\n" });
      await forge.pushBranch("app", { branch: "f1", fromWorktree: work });
      branch(work, "f2", { "c.txt": "c\n" });
      await forge.pushBranch("app", { branch: "f2", fromWorktree: work });
      branch(work, "f3", { "a.txt": "three\n" }, "origin/main");
      await forge.pushBranch("app", { branch: "f3", fromWorktree: work });
      const open = (head: string) =>
        forge.openPullRequest({ repo: "app", head, base: "main", title: `Merge ${head}`, body: "body", author: "bob" });
      const [p1, p2, p3] = [await open("f1"), await open("f2"), await open("f3")];

      const m1 = await forge.merge(p1, { method: "fast-forward", by: "alice" });
      expect(m1).toMatchObject({ state: "merged", mergeCommit: s1, mergedBy: actsAs ?? "alice" });
      await expect(forge.merge(p1, { method: "squash", by: "alice" })).rejects.toMatchObject({ name: "ConflictError" });
      await expect(forge.merge(p2, { method: "fast-forward", by: "alice" })).rejects.toThrow(/rebase/);

      const m2 = await forge.merge(p2, { method: "squash", by: "alice" });
      const main = tip(work);
      expect(main).toBe(m2.mergeCommit);
      expect(gitIn(work, "log", "-1", "--format=%B", main)).toBe("Merge f2\n\nbody");
      expect(gitIn(work, "rev-parse", `${main}^`)).toBe(s1);

      // f3 and f4 both change a.txt from the same base: once f4 is in, f3's squash conflicts.
      branch(work, "f4", { "a.txt": "four\n" });
      await forge.pushBranch("app", { branch: "f4", fromWorktree: work });
      await forge.merge(await open("f4"), { method: "squash", by: "alice" });
      const before = tip(work);
      await expect(forge.merge(p3, { method: "squash", by: "alice" })).rejects.toMatchObject({ name: "ConflictError" });
      expect(tip(work)).toBe(before);
      expect((await forge.getPullRequest("app", p3.number)).state).toBe("open");
    });

    it("protects branches: required checks gate merges, the bot cannot push or merge around policy", async () => {
      const { forge, work } = await start();
      await forge.protectBranch("app", "main", { requiredChecks: ["pitcrew/ci"] });
      branch(work, "fix", { "a.txt": "fixed\n" });
      await expect(
        forge.pushBranch("app", { branch: "main", fromWorktree: work, actor: BOT_USER }),
      ).rejects.toMatchObject({ name: "ForbiddenError" });
      await expect(forge.pushBranch("app", { branch: "main", fromWorktree: work })).rejects.toMatchObject({
        name: "ForbiddenError",
      });
      await forge.pushBranch("app", { branch: "fix", fromWorktree: work, actor: BOT_USER });
      const pr = await forge.openPullRequest({
        repo: "app",
        head: "fix",
        base: "main",
        title: "Fix",
        author: BOT_USER,
      });
      await expect(forge.merge(pr, { method: "fast-forward", by: BOT_USER })).rejects.toThrow(/pitcrew\/ci/);
      await expect(forge.merge(pr, { method: "fast-forward", by: "alice" })).rejects.toMatchObject({
        name: "ForbiddenError",
      });
      await forge.setCheck(pr, { name: "pitcrew/ci", status: "success" });
      expect(await forge.merge(pr, { method: "fast-forward", by: "alice" })).toMatchObject({ state: "merged" });
    });

    it("holds the bot to the merge policy on unprotected branches too", async () => {
      const { forge, work } = await start();
      branch(work, "bot", { "a.txt": "bot\n" });
      await forge.pushBranch("app", { branch: "bot", fromWorktree: work, actor: BOT_USER });
      const pr = await forge.openPullRequest({
        repo: "app",
        head: "bot",
        base: "main",
        title: "Bot",
        author: BOT_USER,
      });
      await expect(forge.merge(pr, { method: "squash", by: BOT_USER })).rejects.toThrow(/pitcrew\/ci' is missing/);
      await forge.setCheck(pr, { name: "pitcrew/ci", status: "success" });
      expect(await forge.merge(pr, { method: "squash", by: BOT_USER })).toMatchObject({ state: "merged" });
    });

    it("closes a pull request once", async () => {
      const { forge, events, work } = await start();
      branch(work, "x", { "x.txt": "x\n" });
      await forge.pushBranch("app", { branch: "x", fromWorktree: work });
      const pr = await forge.openPullRequest({ repo: "app", head: "x", base: "main", title: "X", author: "bob" });
      await expect(
        forge.openPullRequest({ repo: "app", head: "x", base: "main", title: "again", author: "bob" }),
      ).rejects.toMatchObject({ name: "ConflictError" });
      expect(await forge.close(pr, "bob")).toMatchObject({ state: "closed" });
      await expect(forge.close(pr, "bob")).rejects.toMatchObject({ name: "ConflictError" });
      await expect(forge.merge(pr, { method: "squash", by: "bob" })).rejects.toMatchObject({ name: "ConflictError" });
      expect(events.at(-1)).toMatchObject({ type: "pr.closed", subject: "pr:app#1" });
    });

    it("refuses bad names before touching git", async () => {
      const { forge } = await start();
      await expect(forge.createRepository("../evil")).rejects.toMatchObject({ name: "ValidationError" });
      await expect(
        forge.openPullRequest({ repo: "app", head: "--upload-pack=x", base: "main", title: "t", author: "bob" }),
      ).rejects.toMatchObject({ name: "ValidationError" });
      await expect(
        forge.openPullRequest({ repo: "app", head: "a..b", base: "main", title: "t", author: "bob" }),
      ).rejects.toMatchObject({ name: "ValidationError" });
    });
  });
}
