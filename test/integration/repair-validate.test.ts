import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Patch } from "../../src/repair/fixer.js";
import { unifiedDiff } from "../../src/repair/unified-diff.js";
import { PatchMismatchError, validatePatch } from "../../src/repair/validate.js";
import { gitRepoWith } from "../fixtures/repair/pattern-case.js";

const SOURCE = "export const share = (total, people) => {\n  return total / people;\n};\n";
const FIXED =
  "export const share = (total, people) => {\n  if (people === 0) return 0;\n  return total / people;\n};\n";
const TEST = `import assert from "node:assert/strict";
import { test } from "node:test";
import { share } from "../src/share.mjs";

test("share of nobody is 0", () => assert.equal(share(10, 0), 0));
`;
const NODE_TEST = [process.execPath, "--test", "test/"];

function patchOf(before: string, after: string): Patch {
  const edits = [{ path: "src/share.mjs", before, after }];
  return { fixer: "test", kind: "pattern", title: "Guard people", explanation: "", edits, diff: unifiedDiff(edits) };
}

const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });

describe("validatePatch", () => {
  it("fails on the base commit and passes with the patch, in a scratch worktree", async () => {
    const repo = gitRepoWith({ "src/share.mjs": SOURCE, "test/share.test.mjs": TEST });
    const base = await validatePatch({ repoDir: repo, command: NODE_TEST });
    expect(base.passed).toBe(false);
    expect(base.output).toContain("share of nobody is 0");
    const fixed = await validatePatch({ repoDir: repo, patch: patchOf(SOURCE, FIXED), command: NODE_TEST });
    expect(fixed).toMatchObject({
      passed: true,
      exitCode: 0,
      timedOut: false,
      base: git(repo, "rev-parse", "HEAD").trim(),
    });
    expect(readFileSync(join(repo, "src/share.mjs"), "utf8")).toBe(SOURCE);
    expect(git(repo, "status", "--porcelain")).toBe("");
    expect(git(repo, "worktree", "list").trim().split("\n")).toHaveLength(1);
  });

  it("adds extra files (a regression test) next to the patch", async () => {
    const repo = gitRepoWith({ "src/share.mjs": SOURCE, "test/.keep": "" });
    const extraFiles = [{ path: "test/share.test.mjs", text: TEST }];
    expect((await validatePatch({ repoDir: repo, extraFiles, command: NODE_TEST })).passed).toBe(false);
    const fixed = await validatePatch({ repoDir: repo, patch: patchOf(SOURCE, FIXED), extraFiles, command: NODE_TEST });
    expect(fixed.passed).toBe(true);
    expect(git(repo, "status", "--porcelain")).toBe("");
  });

  it("refuses a patch whose before text no longer matches, leaving uncommitted user changes alone", async () => {
    const repo = gitRepoWith({ "src/share.mjs": SOURCE, "test/share.test.mjs": TEST });
    const edited = SOURCE.replace("total / people", "total / people / 1");
    writeFileSync(join(repo, "src/share.mjs"), edited);
    const stale = patchOf(edited, FIXED);
    await expect(validatePatch({ repoDir: repo, patch: stale, command: NODE_TEST })).rejects.toThrow(
      PatchMismatchError,
    );
    await expect(validatePatch({ repoDir: repo, patch: stale, command: NODE_TEST })).rejects.toThrow(
      /no longer applies: src\/share\.mjs/,
    );
    expect(readFileSync(join(repo, "src/share.mjs"), "utf8")).toBe(edited);
    expect(git(repo, "worktree", "list").trim().split("\n")).toHaveLength(1);
  });

  it("reports a command that does not exist as a failure with its reason", async () => {
    const repo = gitRepoWith({ "src/share.mjs": SOURCE });
    const result = await validatePatch({ repoDir: repo, command: ["pitcrew-no-such-command"] });
    expect(result.passed).toBe(false);
    expect(result.output).toContain("ENOENT");
  });
});
