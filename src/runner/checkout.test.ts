import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo, gitIn } from "../../test/support/git-repo.js";
import { NotFoundError, ValidationError } from "../common/errors.js";
import { changedFiles, checkout, commitInfo, ensureMirror, listBranches, resolveRef } from "./checkout.js";

const tmp = mkdtempSync(join(tmpdir(), "pitcrew-checkout-"));
const repo = createRepo({ "README.md": "v1\n", "src/a.ts": "a1\n", "old name.txt": "x\n" });
const first = gitIn(repo, "rev-parse", "HEAD");
const unique = `${process.pid}-${Date.now()}`;
const pwned = `/tmp/pwned-${unique}`;
const hostileBranch = `$(touch\${IFS}${pwned})`;
const optionBranch = `--upload-pack=touch\${IFS}${pwned}`;
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
});

describe("mirrors and refs", () => {
  const mirror = join(tmp, "mirrors", "1.git");
  let second = "";

  it("clones a bare mirror from a local path, then fetches new commits and prunes deleted branches", async () => {
    gitIn(repo, "branch", "doomed");
    await ensureMirror(repo, mirror);
    expect(existsSync(join(mirror, "HEAD"))).toBe(true);
    expect((await listBranches(mirror)).map((b) => b.branch).sort()).toEqual(["doomed", "main"]);
    gitIn(repo, "branch", "-D", "doomed");
    gitIn(repo, "mv", "old name.txt", "new name.txt");
    second = commitFiles(repo, { "src/a.ts": "a2\n", "src/b.ts": "b\n" }, "second\n\nwith a body");
    gitIn(repo, "branch", hostileBranch);
    gitIn(repo, "update-ref", `refs/heads/${optionBranch}`, first);
    gitIn(repo, "tag", "-a", "v1", "-m", "release", first);
    await Promise.all([ensureMirror(repo, mirror), ensureMirror(repo, mirror)]);
    expect(await listBranches(mirror)).toEqual(
      expect.arrayContaining([
        { branch: "main", sha: second },
        { branch: hostileBranch, sha: second },
        { branch: optionBranch, sha: first },
      ]),
    );
    expect((await listBranches(mirror)).map((b) => b.branch)).not.toContain("doomed");
    expect(existsSync(pwned)).toBe(false);
  });

  it("mirrors from a file:// URL too", async () => {
    const other = join(tmp, "mirrors", "2.git");
    await ensureMirror(`file://${repo}`, other);
    expect(await resolveRef(other, "main")).toBe(second);
  });

  it("refuses URLs that are options or run commands, creating nothing", async () => {
    for (const url of [
      `--upload-pack=touch ${pwned}`,
      `ext::sh -c touch% ${pwned}`,
      "-oProxyCommand=x",
      "ssh://-oProxyCommand=x/r",
    ]) {
      await expect(ensureMirror(url, join(tmp, "mirrors", "bad.git")), url).rejects.toThrow(ValidationError);
    }
    expect(existsSync(join(tmp, "mirrors", "bad.git"))).toBe(false);
    expect(existsSync(pwned)).toBe(false);
  });

  it("resolves branches, tags and short SHAs to full commit SHAs", async () => {
    expect(await resolveRef(mirror, "main")).toBe(second);
    expect(await resolveRef(mirror, "v1")).toBe(first);
    expect(await resolveRef(mirror, first.slice(0, 10))).toBe(first);
    expect(await resolveRef(mirror, second)).toBe(second);
  });

  it("treats hostile branch names as names, never as options or commands", async () => {
    expect(await resolveRef(mirror, hostileBranch)).toBe(second);
    expect(await resolveRef(mirror, optionBranch)).toBe(first);
    await expect(resolveRef(mirror, `--output=${pwned}`)).rejects.toThrow(NotFoundError);
    expect(existsSync(pwned)).toBe(false);
  });

  it("fails clearly for a ref that does not exist", async () => {
    await expect(resolveRef(mirror, "no/such-branch")).rejects.toThrow(/git ref "no\/such-branch" not found/);
    await expect(resolveRef(mirror, "")).rejects.toThrow(ValidationError);
  });

  it("lists changed files between commits, or of one commit when there is no usable base", async () => {
    const both = ["new name.txt", "old name.txt", "src/a.ts", "src/b.ts"];
    expect((await changedFiles(mirror, first, second)).sort()).toEqual(both);
    expect((await changedFiles(mirror, undefined, second)).sort()).toEqual(both);
    expect((await changedFiles(mirror, "0".repeat(40), second)).sort()).toEqual(both);
    expect((await changedFiles(mirror, "1234567".repeat(5) + "12345", second)).sort()).toEqual(both);
    expect((await changedFiles(mirror, undefined, first)).sort()).toEqual(["README.md", "old name.txt", "src/a.ts"]);
  });

  it("reads a commit's author, message and time", async () => {
    const info = await commitInfo(mirror, "main");
    expect(info).toEqual({
      sha: second,
      author: "Test <test@example.com>",
      message: "second\n\nwith a body",
      time: expect.any(Number),
    });
    expect(Math.abs(info.time - Date.now())).toBeLessThan(10 * 60_000);
  });

  it("checks out a self-contained, detached working tree at a commit", async () => {
    const dest = join(tmp, "ws", "src");
    await checkout({ mirrorDir: mirror, commit: first, dest });
    expect(readFileSync(join(dest, "src", "a.ts"), "utf8")).toBe("a1\n");
    expect(existsSync(join(dest, "src", "b.ts"))).toBe(false);
    expect(gitIn(dest, "rev-parse", "HEAD")).toBe(first);
    expect(gitIn(dest, "rev-parse", "--abbrev-ref", "HEAD")).toBe("HEAD");
    // Nothing borrowed from or shared with the mirror: no alternates, no hardlinked object files.
    expect(existsSync(join(dest, ".git", "objects", "info", "alternates"))).toBe(false);
    const objects = readdirSync(join(dest, ".git", "objects"), { recursive: true, withFileTypes: true }).filter((e) =>
      e.isFile(),
    );
    expect(objects.length).toBeGreaterThan(0);
    for (const f of objects) expect(statSync(join(f.parentPath, f.name)).nlink).toBe(1);
    expect(gitIn(dest, "log", "--format=%s", "-1")).toBe("initial");
  });

  it("checks out a SHA the caller already resolved, and resolves anything that is not a full SHA", async () => {
    const dest = join(tmp, "ws", "presolved");
    await checkout({ mirrorDir: mirror, commit: "main", sha: first, dest });
    expect(gitIn(dest, "rev-parse", "HEAD")).toBe(first);
    // a `sha` that is not a full object name (here an option) is not trusted: the commit is resolved
    const other = join(tmp, "ws", "unresolved");
    await checkout({ mirrorDir: mirror, commit: second, sha: "--orphan=x", dest: other });
    expect(gitIn(other, "rev-parse", "HEAD")).toBe(second);
  });
});
