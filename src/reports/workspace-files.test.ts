import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../common/errors.js";
import { assertSafePattern, matchWorkspaceFiles } from "./workspace-files.js";

/** A workspace with some files, plus a sibling "outside" directory holding a secret. */
function tree(files: Record<string, string>): { ws: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), "pitcrew-wsf-"));
  const ws = join(base, "ws");
  const outside = join(base, "outside");
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.xml"), "<secret/>");
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, rel)), { recursive: true });
    writeFileSync(join(ws, rel), text);
  }
  return { ws, outside };
}

describe("matchWorkspaceFiles", () => {
  it("matches globs and literal paths, sorted and once each, and names patterns that matched nothing", async () => {
    const { ws } = tree({ "a/junit.xml": "1", "b/c/junit.xml": "22", "b/c/other.txt": "x", "junit.xml": "333" });
    const m = await matchWorkspaceFiles(ws, ["**/junit.xml", "junit.xml", "./b/c/other.txt", "nope/*.xml"]);
    expect(m.files.map((f) => [f.path, f.size])).toEqual([
      ["a/junit.xml", 1],
      ["b/c/junit.xml", 2],
      ["b/c/other.txt", 1],
      ["junit.xml", 3],
    ]);
    expect(m.unmatched).toEqual(["nope/*.xml"]);
    expect(m.skipped).toEqual([]);
  });

  it("applies exclusions, skips dot directories unless asked, and expands a literal directory", async () => {
    const { ws } = tree({ "dist/app.js": "a", "dist/app.js.map": "m", "dist/sub/x.js": "x", ".cache/y.js": "y" });
    const m = await matchWorkspaceFiles(ws, ["**/*.js", "!dist/sub/**"]);
    expect(m.files.map((f) => f.path)).toEqual(["dist/app.js"]);
    expect((await matchWorkspaceFiles(ws, ["dist"])).files.map((f) => f.path)).toEqual([
      "dist/app.js",
      "dist/app.js.map",
      "dist/sub/x.js",
    ]);
    expect((await matchWorkspaceFiles(ws, [".cache/*.js"])).files.map((f) => f.path)).toEqual([".cache/y.js"]);
    expect((await matchWorkspaceFiles(ws, ["**/y.js"], { dot: true })).files.map((f) => f.path)).toEqual([
      ".cache/y.js",
    ]);
  });

  it("never returns content from outside the workspace through symlinks", async () => {
    const { ws, outside } = tree({ "reports/real.xml": "<ok/>" });
    symlinkSync(join(outside, "secret.xml"), join(ws, "reports/leak.xml"));
    symlinkSync(outside, join(ws, "reports/outdir"));
    symlinkSync(outside, join(ws, "linked"));
    symlinkSync("real.xml", join(ws, "reports/alias.xml"));
    symlinkSync("missing.xml", join(ws, "reports/broken.xml"));
    const m = await matchWorkspaceFiles(ws, ["**/*.xml", "linked/secret.xml", "linked/*.xml"]);
    expect(m.files.map((f) => f.path)).toEqual(["reports/alias.xml", "reports/real.xml"]);
    expect(m.files[0]!.absPath).toBe(m.files[1]!.absPath);
    expect(m.skipped).toEqual([
      { path: "linked/secret.xml", reason: "symlink points outside the workspace" },
      { path: "reports/broken.xml", reason: "broken symlink" },
      { path: "reports/leak.xml", reason: "symlink points outside the workspace" },
    ]);
  });

  it("rejects patterns that leave the workspace", async () => {
    const { ws } = tree({ "a.txt": "a" });
    for (const bad of [
      "../x",
      "a/../../x",
      "/etc/passwd",
      "C:\\x",
      "\\\\server\\share",
      "{..,a}/x",
      "!../x",
      "",
      "a\0b",
    ]) {
      expect(() => assertSafePattern(bad), bad).toThrow(ValidationError);
    }
    await expect(matchWorkspaceFiles(ws, ["a.txt", "../outside/*"])).rejects.toThrow(
      /pattern '..\/outside\/\*' contains a '..' segment/,
    );
    expect(() => assertSafePattern("a..b/c...d")).not.toThrow();
  });
});
