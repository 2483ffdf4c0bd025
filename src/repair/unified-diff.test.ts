import { describe, expect, it } from "vitest";
import { applyFileDiff, DiffApplyError, fileDiff, parseUnifiedDiff } from "./unified-diff.js";

describe("fileDiff", () => {
  it("writes removed lines before the lines that replace them", () => {
    const before = "a\nb\nc\n";
    const after = "a\nB\nc\n";
    expect(fileDiff({ path: "x.txt", before, after })).toBe(
      "diff --git a/x.txt b/x.txt\n--- a/x.txt\n+++ b/x.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n",
    );
  });

  it("marks a side without a final newline", () => {
    expect(fileDiff({ path: "x", before: "a", after: "a\n" })).toBe(
      "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+a\n",
    );
  });
});

describe("parseUnifiedDiff and applyFileDiff", () => {
  const before = Array.from({ length: 30 }, (_, k) => `line ${k + 1}`).join("\n") + "\n";

  it("round-trips the diffs fileDiff writes, several hunks and missing final newlines included", () => {
    const cases = [
      before.replace("line 3\n", "line three\n").replace("line 25\n", "line 25\nline 25b\n"),
      before.replace("line 1\n", ""),
      `${before}line 31`,
      before.replace(/line 30\n$/, "line 30"),
      before.replace("line 10\nline 11\n", ""),
    ];
    for (const after of cases) {
      const [parsed, ...rest] = parseUnifiedDiff(fileDiff({ path: "f.txt", before, after }));
      expect(rest).toEqual([]);
      expect(parsed!.oldPath).toBe("f.txt");
      expect(applyFileDiff(before, parsed!)).toBe(after);
    }
  });

  it("reads a sloppy hand-written diff: wrong counts, shifted lines, blank context lines, prose around it", () => {
    const text = "def f(x):\n    y = 1\n\n    return x / y\n";
    const answer = [
      "Here is the fix:",
      "--- a/app/f.py",
      "+++ b/app/f.py",
      "@@ -7,9 +7,9 @@ def f(x):", // wrong start and counts
      "     y = 1",
      "",
      "-    return x / y",
      "+    return x / y if y else 0",
      "That guards the division.",
    ].join("\n");
    const [parsed] = parseUnifiedDiff(answer);
    expect(parsed).toMatchObject({ oldPath: "app/f.py", newPath: "app/f.py" });
    expect(applyFileDiff(text, parsed!)).toBe("def f(x):\n    y = 1\n\n    return x / y if y else 0\n");
  });

  it("reads several files and /dev/null sides", () => {
    const diff = `diff --git a/a.js b/a.js\n--- a/a.js\n+++ b/a.js\n@@ -1 +1 @@\n-x\n+y\ndiff --git a/n.js b/n.js\nnew file mode 100644\n--- /dev/null\n+++ b/n.js\n@@ -0,0 +1,1 @@\n+z\n`;
    const files = parseUnifiedDiff(diff);
    expect(files.map((f) => [f.oldPath, f.newPath])).toEqual([
      ["a.js", "a.js"],
      [undefined, "n.js"],
    ]);
    expect(applyFileDiff("", files[1]!)).toBe("z\n");
  });

  it("refuses a hunk whose lines are not in the file, and a hunk without changes", () => {
    const [parsed] = parseUnifiedDiff("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n keep\n-gone\n+new\n");
    expect(() => applyFileDiff("keep\nother\n", parsed!)).toThrow(DiffApplyError);
    expect(() => applyFileDiff("keep\nother\n", parsed!)).toThrow(/hunk @@ -1 of x does not apply/);
    expect(() => parseUnifiedDiff("--- a/x\n+++ b/x\n@@ -1 +1 @@\n same\n")).toThrow(/hunk without changes/);
  });
});
