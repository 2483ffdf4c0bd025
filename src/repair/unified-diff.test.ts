import { describe, expect, it } from "vitest";
import { fileDiff } from "./unified-diff.js";

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
