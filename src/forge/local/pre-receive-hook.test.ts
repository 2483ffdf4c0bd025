import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commitFiles, createRepo, gitIn } from "../../../test/support/git-repo.js";
import { git } from "../../runner/git.js";
import { installPreReceiveHook, mergeTokenEnv } from "./pre-receive-hook.js";
import { writeProtection } from "./protection.js";

/** A bare repository with `main` protected and a clone that has a new commit on it. */
function setup() {
  const bare = join(mkdtempSync(join(tmpdir(), "pitcrew-hook-")), "r.git");
  const src = createRepo({ "a.txt": "1\n" });
  execFileSync("git", ["clone", "--quiet", "--bare", src, bare]);
  return { bare, work: src };
}

const push = (cwd: string, url: string, refspec: string, env: Record<string, string> = {}) =>
  git(["push", "--quiet", "--end-of-options", url, refspec], { cwd, env });

describe("pre-receive hook", () => {
  it("refuses a direct git push to a protected branch and accepts a feature branch", async () => {
    const { bare, work } = setup();
    await installPreReceiveHook(bare);
    await writeProtection(bare, "main", []);
    commitFiles(work, { "a.txt": "2\n" }, "direct");
    await expect(push(work, bare, "HEAD:refs/heads/main")).rejects.toThrow(/refs\/heads\/main is protected/);
    await expect(push(work, `file://${bare}`, "+HEAD:refs/heads/main")).rejects.toThrow(/protected/);
    await expect(push(work, bare, ":refs/heads/main")).rejects.toThrow(/protected/);
    await push(work, `file://${bare}`, "HEAD:refs/heads/feature/x");
    expect(gitIn(bare, "rev-parse", "refs/heads/feature/x")).toBe(gitIn(work, "rev-parse", "HEAD"));
  });

  it("lets pitcrew's own token through and nothing else", async () => {
    const { bare, work } = setup();
    await installPreReceiveHook(bare);
    await writeProtection(bare, "main", ["pitcrew/ci"]);
    commitFiles(work, { "a.txt": "3\n" }, "merge");
    await expect(push(work, bare, "HEAD:refs/heads/main", { PITCREW_MERGE_TOKEN: "guess" })).rejects.toThrow(
      /protected/,
    );
    await push(work, bare, "HEAD:refs/heads/main", await mergeTokenEnv(bare));
    expect(gitIn(bare, "rev-parse", "refs/heads/main")).toBe(gitIn(work, "rev-parse", "HEAD"));
  });

  it("treats odd ref names as data: shell and regex characters neither run nor match", async () => {
    const { bare, work } = setup();
    await installPreReceiveHook(bare);
    await writeProtection(bare, "main", []);
    const marker = join(bare, "pwned");
    for (const name of ["$(id>pwned)", "`touch pwned`", "ma.n", "main;x", ".*"]) {
      await push(work, bare, `HEAD:refs/heads/${name}`).catch(() => undefined);
    }
    expect(() => execFileSync("test", ["-e", marker])).toThrow();
    expect(gitIn(bare, "rev-parse", "--verify", "refs/heads/ma.n")).toMatch(/^[0-9a-f]{40}$/);
  });

  it("creates the merge token of a repository made by hand, and keeps it once made", async () => {
    const { bare, work } = setup();
    const env = await mergeTokenEnv(bare);
    expect(env.PITCREW_MERGE_TOKEN).toMatch(/^[0-9a-f]{48}$/);
    await installPreReceiveHook(bare);
    await writeProtection(bare, "main", []);
    expect(await mergeTokenEnv(bare)).toEqual(env);
    commitFiles(work, { "a.txt": "4\n" }, "merge");
    await push(work, bare, "HEAD:refs/heads/main", env);
    expect(gitIn(bare, "rev-parse", "refs/heads/main")).toBe(gitIn(work, "rev-parse", "HEAD"));
  });
});
