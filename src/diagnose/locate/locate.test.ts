import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTrace } from "../stacktrace/detect.js";
import { blameLine, firstReleaseContaining } from "./blame.js";
import { parseUnifiedDiff, recentFileChanges, releaseDiff } from "./recent-changes.js";
import { RepoMap } from "./repo-map.js";
import { suspectFiles } from "./suspect-files.js";
import { rankSuspects } from "./suspects.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-22T12:00:00Z");

/** Commits `files` in `dir` as `author`, dated `daysAgo` before NOW. */
function commit(dir: string, files: Record<string, string>, message: string, daysAgo: number, author = "Ada"): string {
  const date = new Date(NOW - daysAgo * DAY).toISOString();
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  const git = (...args: string[]) =>
    execFileSync(
      "git",
      ["-c", `user.name=${author}`, "-c", "user.email=a@example.com", "-c", "commit.gpgsign=false", ...args],
      { cwd: dir, env, encoding: "utf8" },
    ).trim();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  git("add", "-A");
  git("commit", "--quiet", "-m", message);
  return git("rev-parse", "HEAD");
}

const lines = (n: number, mark?: [number, string]) =>
  Array.from({ length: n }, (_, i) => (mark && i + 1 === mark[0] ? mark[1] : `line ${i + 1}`)).join("\n");

function javaRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-locate-"));
  execFileSync("git", ["init", "--quiet", "--initial-branch=main"], { cwd: dir });
  commit(
    dir,
    {
      "src/main/java/org/acme/Parser.java": lines(60),
      "src/test/java/org/acme/ParserTest.java": lines(30),
      "README.md": "acme",
    },
    "initial",
    90,
    "Grace",
  );
  execFileSync("git", ["tag", "v1.0"], { cwd: dir });
  commit(
    dir,
    { "src/main/java/org/acme/Parser.java": lines(60, [42, "return cache.get(key).trim();"]) },
    "parser: cache lookups",
    2,
    "Ada",
  );
  execFileSync("git", ["tag", "v1.1"], { cwd: dir });
  return dir;
}

describe("RepoMap", () => {
  it("maps container paths, derived Java paths and module paths by suffix, never to unrelated files", () => {
    const map = new RepoMap([
      "src/main/java/org/acme/Parser.java",
      "src/shop/api.py",
      "internal/cart/cart.go",
      "app.py",
      "src/test/java/org/acme/Parser.java",
    ]);
    expect(map.resolve("org/acme/Parser.java")).toBe("src/main/java/org/acme/Parser.java");
    expect(map.resolve("/app/src/shop/api.py")).toBe("src/shop/api.py");
    expect(map.resolve("/home/runner/work/shop/shop/internal/cart/cart.go")).toBe("internal/cart/cart.go");
    expect(map.resolve("github.com/acme/shop/internal/cart/cart.go")).toBe("internal/cart/cart.go");
    expect(map.resolve("C:\\build\\app.py")).toBe("app.py");
    expect(map.resolve("/usr/lib/python3/site-packages/x/api.py")).toBeUndefined();
    expect(map.resolve("Parser.java")).toBeUndefined();
  });
});

describe("git evidence", () => {
  it("blames a line to its commit, author, date and the first release containing it", async () => {
    const dir = javaRepo();
    const info = await blameLine(dir, "src/main/java/org/acme/Parser.java", 42);
    expect(info).toMatchObject({
      author: "Ada",
      summary: "parser: cache lookups",
      date: new Date(NOW - 2 * DAY).toISOString().replace(/\.\d+Z$/, ".000Z"),
    });
    expect(await firstReleaseContaining(dir, info!.sha)).toBe("v1.1");
    expect(await blameLine(dir, "src/main/java/org/acme/Parser.java", 999)).toBeUndefined();
    expect(await blameLine(dir, "nope.java", 1)).toBeUndefined();
  });

  it("lists files changed recently and the lines a release changed", async () => {
    const dir = javaRepo();
    const recent = await recentFileChanges(dir, { sinceDays: 30, now: NOW });
    expect([...recent.keys()]).toEqual(["src/main/java/org/acme/Parser.java"]);
    const diff = await releaseDiff(dir, { from: "v1.0", to: "v1.1" });
    expect(diff.get("src/main/java/org/acme/Parser.java")).toEqual([[42, 42]]);
    await expect(releaseDiff(dir, { from: "--output=/tmp/x", to: "v1.1" })).rejects.toThrow(/not a git revision/);
    expect(parseUnifiedDiff("+++ b/a.txt\n@@ -3,0 +4,0 @@\n@@ -9 +9,2 @@\n")).toEqual(
      new Map([
        [
          "a.txt",
          [
            [4, 5],
            [9, 10],
          ],
        ],
      ]),
    );
  });
});

describe("rankSuspects", () => {
  const trace = findTrace(
    [
      "java.lang.IllegalStateException: bad state",
      "\tat org.apache.commons.lang3.Validate.validState(Validate.java:826)",
      "\tat org.acme.Parser.parse(Parser.java:42)",
      "\tat org.acme.Cli.main(Cli.java:7)",
      "\tat org.acme.ParserTest.testParse(ParserTest.java:12)",
      "\tat org.junit.runners.ParentRunner.run(ParentRunner.java:309)",
    ].join("\n"),
    { app: ["org.acme", "org.apache.commons.lang3"] },
  ).trace;

  it("ranks from the trace alone: check helpers and test code after the innermost real app frame", () => {
    const suspects = rankSuspects(trace);
    expect(suspects.map((s) => `${s.function} ${s.score}`)).toEqual([
      "parse 0.7",
      "main 0.62",
      "validState 0.3",
      "testParse 0.12",
    ]);
    expect(suspects[0]!.reasons).toEqual(["innermost in-app frame of the root cause"]);
    expect(suspects[2]!.reasons).toEqual(["check, error or counting helper: the caller likely holds the bug"]);
  });

  it("adds repository evidence: release diff, blame recency, repo-relative paths", async () => {
    const dir = javaRepo();
    const map = new RepoMap(["src/main/java/org/acme/Parser.java"]);
    const blame = await blameLine(dir, "src/main/java/org/acme/Parser.java", 42);
    const suspects = rankSuspects(trace, {
      pathOf: (f) => map.resolve(f.file, true),
      release: await releaseDiff(dir, { from: "v1.0", to: "v1.1" }),
      recent: await recentFileChanges(dir, { sinceDays: 30, now: NOW }),
      blame: new Map([["src/main/java/org/acme/Parser.java:42", blame!]]),
      now: NOW,
    });
    expect(suspects[0]).toMatchObject({
      file: "src/main/java/org/acme/Parser.java",
      line: 42,
      function: "parse",
      commit: { author: "Ada" },
    });
    expect(suspects[0]!.reasons).toEqual([
      "innermost in-app frame of the root cause",
      "in the last release's diff",
      `changed 2 days ago in ${blame!.sha.slice(0, 7)}`,
    ]);
    expect(suspects[0]!.score).toBeGreaterThan(0.9);
    expect(suspects[0]!.score).toBeLessThanOrEqual(1);
  });

  it("falls back to the wrapping exception when the root cause has no app frame, and to library frames when nothing is in-app", () => {
    const wrapped = findTrace(
      [
        "java.lang.RuntimeException: wrapped",
        "\tat org.acme.Job.run(Job.java:5)",
        "Caused by: java.io.IOException: disk",
        "\tat java.io.FileInputStream.open0(Native Method)",
        "\tat java.io.FileInputStream.open(FileInputStream.java:219)",
      ].join("\n"),
    ).trace;
    expect(rankSuspects(wrapped)[0]).toMatchObject({
      function: "run",
      reasons: ["innermost in-app frame of java.lang.RuntimeException (the root cause has none)"],
    });
    const lib = findTrace(
      "java.io.IOException: disk\n\tat java.io.FileInputStream.open(FileInputStream.java:219)",
    ).trace;
    expect(rankSuspects(lib)[0]).toMatchObject({
      function: "open",
      inApp: false,
      reasons: ["innermost frame (no in-app frame in the trace)", "library frame"],
    });
  });
});

describe("rankSuspects beyond the top frame", () => {
  const java = (...lines: string[]) => findTrace(lines.join("\n"), { app: ["org.acme"] }).trace;
  const files = (t: ReturnType<typeof java>, evidence = {}) =>
    rankSuspects(t, evidence).map((s) => `${s.file.split("/").pop()}${s.line ? `:${s.line}` : ""}`);

  it("a check failing under a test leads with the test's subject; the same exception as a fault keeps the raising line", () => {
    const check = java(
      "java.lang.IllegalArgumentException: lower > upper",
      "\tat org.acme.data.Range.check(Range.java:87)",
      "\tat org.acme.data.Range.of(Range.java:80)",
      "\tat org.acme.layout.Border.arrange(Border.java:454)",
      "\tat org.acme.layout.BorderTest.testSizing(BorderTest.java:12)",
    );
    expect(files(check).slice(0, 2)).toEqual(["Border.java:454", "Range.java:80"]);
    expect(rankSuspects(check)[0]!.reasons).toEqual(["the failing test BorderTest exercises Border"]);
    const fault = java(
      "java.lang.NullPointerException",
      "\tat org.acme.data.Range.validateBounds(Range.java:87)",
      "\tat org.acme.layout.Border.arrange(Border.java:454)",
      "\tat org.acme.layout.BorderTest.testSizing(BorderTest.java:12)",
    );
    expect(files(fault)[0]).toBe("Range.java:87");
  });

  it("names the subject's file when it is not on the stack, and drops it when the repository has no such file", () => {
    const t = java(
      "java.io.IOException: Unknown property 128",
      "\tat org.acme.z.SevenZFile.readHeader(SevenZFile.java:714)",
      "\tat org.acme.z.SevenZFile.<init>(SevenZFile.java:94)",
      "\tat org.acme.z.Helper.open(Helper.java:9)",
      "\tat org.acme.z.SevenZOutputFileTest.verify(SevenZOutputFileTest.java:226)",
    );
    expect(files(t)).toEqual([
      "SevenZFile.java:714",
      "SevenZOutputFile.java",
      "SevenZFile.java:94",
      "Helper.java:9",
      "SevenZOutputFileTest.java:226",
    ]);
    expect(rankSuspects(t)[1]!.reasons).toEqual([
      "the failing test SevenZOutputFileTest exercises SevenZOutputFile (not on the stack)",
    ]);
    const map = new RepoMap(["src/main/java/org/acme/z/SevenZFile.java", "src/main/java/org/acme/z/Helper.java"]);
    expect(files(t, { pathOf: (f: { file: string }) => map.resolve(f.file, true) })).not.toContain(
      "SevenZOutputFile.java",
    );
  });

  it("passes over counters that ran out, problem handlers and their forwarders, and constructors rejecting arguments", () => {
    const limit = java(
      "org.acme.TooManyEvaluationsException: maximal count (100) exceeded",
      "\tat org.acme.solvers.BaseSolver.incrementEvaluationCount(BaseSolver.java:296)",
      "\tat org.acme.solvers.BaseSolver.computeObjectiveValue(BaseSolver.java:153)",
      "\tat org.acme.solvers.SecantSolver.doSolve(SecantSolver.java:160)",
    );
    expect(files(limit)[0]).toBe("SecantSolver.java:160");
    const handler = java(
      "org.acme.MappingException: cannot construct",
      "\tat org.acme.MappingException.from(MappingException.java:270)",
      "\tat org.acme.Context.instantiationException(Context.java:1456)",
      "\tat org.acme.Context.handleMissingInstantiator(Context.java:1012)",
      "\tat org.acme.BeanReader.readUsingCreator(BeanReader.java:1204)",
      "\tat org.acme.Members.fixAccess(Members.java:136)",
    );
    expect(files(handler)[0]).toBe("BeanReader.java:1204");
    const forwarded = java(
      "java.lang.IllegalArgumentException: cannot access",
      "\tat org.acme.ClassUtil.checkAndFixAccess(ClassUtil.java:787)",
      "\tat org.acme.Member.fixAccess(Member.java:136)",
      "\tat org.acme.Factory.constructProperty(Factory.java:715)",
    );
    expect(files(forwarded)[0]).toBe("Factory.java:715");
    const ctor = java(
      "java.lang.IllegalArgumentException: String must not be empty",
      "\tat org.acme.Validate.notEmpty(Validate.java:92)",
      "\tat org.acme.nodes.Attribute.<init>(Attribute.java:42)",
      "\tat org.acme.parser.Token.newAttribute(Token.java:118)",
    );
    expect(rankSuspects(ctor)[0]).toMatchObject({
      function: "newAttribute",
      reasons: ["calls the constructor <init> that rejected its arguments"],
    });
  });
});

describe("suspectFiles", () => {
  it("names each file once, in the order of its best suspect, with its lines best first", () => {
    const s = (file: string, score: number, line?: number) => ({
      file,
      score,
      reasons: [],
      inApp: true,
      ...(line && { line }),
    });
    expect(suspectFiles([s("a.py", 0.9, 15), s("b.py", 0.8, 18), s("a.py", 0.7, 11), s("c.py", 0.6)])).toEqual([
      { file: "a.py", score: 0.9, lines: [15, 11] },
      { file: "b.py", score: 0.8, lines: [18] },
      { file: "c.py", score: 0.6, lines: [] },
    ]);
  });
});
