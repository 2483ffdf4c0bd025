import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gitIn } from "../../test/support/git-repo.js";
import { snapshotDirectory } from "./snapshot.js";

describe("snapshotDirectory", () => {
  it("makes one commit per distinct tree: the same commit for an unchanged directory, a child for a changed one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pitcrew-snap-src-"));
    const repo = join(mkdtempSync(join(tmpdir(), "pitcrew-snap-")), "snapshot.git");
    writeFileSync(join(dir, "a.txt"), "one\n");
    const first = await snapshotDirectory(dir, repo, "main");
    expect(await snapshotDirectory(dir, repo, "main")).toBe(first);
    writeFileSync(join(dir, "a.txt"), "two\n");
    const second = await snapshotDirectory(dir, repo, "main");
    expect(second).not.toBe(first);
    expect(gitIn(repo, "rev-parse", `${second}^`)).toBe(first);
    expect(gitIn(repo, "show", `${second}:a.txt`)).toBe("two");
    // another branch starts its own history, with no parent
    const other = await snapshotDirectory(dir, repo, "feature/x");
    expect(gitIn(repo, "rev-list", "--count", other)).toBe("1");
    expect(gitIn(repo, "rev-parse", "refs/heads/main")).toBe(second);
  });
});
