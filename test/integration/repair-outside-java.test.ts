import { describe, expect, it } from "vitest";
import { type JavaBug, selectJavaBug } from "../../bench/repair-outside/java-bugs.js";
import { changedLines, firstChange, sameRegion } from "../../bench/repair-outside/java-region.js";

const bug = (recordedTrace: string): JavaBug => ({
  project: "Jsoup",
  bug: 1,
  fixedRevision: "abc",
  srcPatch: "",
  recordedTrace,
  triggerTests: ["org.jsoup.FooTest::bar"],
  relevantTests: [],
  srcDir: "src/main/java",
  testDir: "src/test/java",
  encoding: "UTF-8",
  app: ["org.jsoup"],
});

const frames = (...lines: string[]) => lines.map((l) => `\tat ${l}`).join("\n");

describe("the Java selection rule (bench/repair-outside/java-bugs.ts)", () => {
  it("selects an exception thrown from the library's own code, through JDK frames", () => {
    const s = selectJavaBug(
      bug(
        `--- org.jsoup.FooTest::bar\njava.lang.StringIndexOutOfBoundsException: String index out of range: 14\n${frames(
          "java.lang.String.substring(String.java:1963)",
          "org.jsoup.parser.TokenQueue.consume(TokenQueue.java:162)",
          "org.jsoup.FooTest.bar(FooTest.java:10)",
        )}`,
      ),
    );
    expect(s).toEqual({
      selected: true,
      exception: "java.lang.StringIndexOutOfBoundsException",
      topFrame: "org.jsoup.parser.TokenQueue.consume:162",
    });
  });

  it("leaves out assertions, JVM errors and exceptions the test itself threw", () => {
    const assertion = selectJavaBug(
      bug(
        `--- org.jsoup.FooTest::bar\njunit.framework.AssertionFailedError: expected:<1> but was:<2>\n${frames("org.jsoup.FooTest.bar(FooTest.java:10)")}`,
      ),
    );
    const error = selectJavaBug(
      bug(
        `--- org.jsoup.FooTest::bar\njava.lang.StackOverflowError\n${frames("org.jsoup.nodes.Node.outerHtml(Node.java:363)")}`,
      ),
    );
    const byTest = selectJavaBug(
      bug(
        `--- org.jsoup.FooTest::bar\njava.lang.NullPointerException\n${frames("org.jsoup.FooTest.bar(FooTest.java:10)")}`,
      ),
    );
    expect([assertion, error, byTest].map((s) => s.selected)).toEqual([false, false, false]);
    expect(!assertion.selected && assertion.reason).toMatch(/assertion/);
    expect(!error.selected && error.reason).toMatch(/JVM error/);
    expect(!byTest.selected && byTest.reason).toMatch(/test or framework code/);
  });
});

describe("patch regions (bench/repair-outside/java-region.ts)", () => {
  // Defects4J's src.patch goes from the fixed file to the buggy one: the buggy side is "new".
  const developer = `diff --git a/src/Cleaner.java b/src/Cleaner.java
--- a/src/Cleaner.java
+++ b/src/Cleaner.java
@@ -40,7 +40,6 @@ public class Cleaner {
         Validate.notNull(dirtyDocument);
 
         Document clean = Document.createShell(dirtyDocument.baseUri());
-        if (dirtyDocument.body() != null)
             copySafeNodes(dirtyDocument.body(), clean.body());
 
         return clean;
`;
  const guard = (line: number) => `diff --git a/src/Cleaner.java b/src/Cleaner.java
--- a/src/Cleaner.java
+++ b/src/Cleaner.java
@@ -${line - 3},6 +${line - 3},9 @@
     a
     b
     c
+        if (source == null) {
+            return 0;
+        }
         List<Node> sourceChildren = source.childNodes();
`;

  it("reads the buggy file's changed lines from either side of a diff", () => {
    expect(changedLines(developer, "new").get("src/Cleaner.java")).toEqual([43]);
    expect(changedLines(guard(73), "old").get("src/Cleaner.java")).toEqual([73, 73, 73]);
    expect(firstChange(changedLines(guard(73), "old"))).toBe("src/Cleaner.java:73");
  });

  it("counts a patch within three lines of the developer's change as the same region", () => {
    const fix = changedLines(developer, "new");
    expect(sameRegion(changedLines(guard(45), "old"), fix)).toBe(true);
    expect(sameRegion(changedLines(guard(73), "old"), fix)).toBe(false);
    const otherFile = changedLines(guard(43).replaceAll("src/Cleaner.java", "src/Other.java"), "old");
    expect(sameRegion(otherFile, fix)).toBe(false);
  });
});
