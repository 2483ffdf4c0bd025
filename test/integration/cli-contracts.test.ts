/**
 * The CLI contracts other tools call (kept stable): `pitcrew logs mine`, `pitcrew stack`,
 * `pitcrew detect` and `pitcrew tests prioritize`, run through the built binary exactly as a
 * caller would.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/pitcrew.js");
const DATA = resolve(ROOT, "../shared/data");

function pitcrew(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input ?? "");
  });
}

describe.skipIf(!existsSync(join(ROOT, "dist/cli/main.js")))("stable CLI contracts", () => {
  it("logs mine --json: one object per input line, in order, with templateId and template", async () => {
    const lines = [
      "2024-01-01 10:00:00 INFO worker-1 Connected to 10.0.0.1:5432 in 12 ms",
      "garbage",
      "2024-01-01 10:00:01 INFO worker-2 Connected to 10.0.0.7:5432 in 9 ms",
      "2024-01-01 10:00:02 WARN worker-1 Retrying job 4411 after timeout",
    ];
    for (const args of [
      ["logs", "mine", "-", "--format", "<Date> <Time> <Level> <Component> <Content>", "--json"],
      ["logs", "mine", "--json", "--format", "<Date> <Time> <Level> <Component> <Content>", "-"],
    ]) {
      const r = await pitcrew(args, `${lines.join("\n")}\n`);
      expect(r.code).toBe(0);
      const out = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(out).toHaveLength(4);
      expect(out.map((o) => o.line)).toEqual([1, 2, 3, 4]);
      expect(out[0].templateId).toBe(out[2].templateId);
      expect(out[0].template).toContain("Connected to <*>");
      expect(out[1].formatMatched).toBe(false);
      expect(out[3].templateId).not.toBe(out[0].templateId);
    }
  });

  it.skipIf(!existsSync(DATA))("logs mine reads a Loghub file with its benchmark format", async () => {
    const r = await pitcrew([
      "logs",
      "mine",
      join(DATA, "loghub-2k/Zookeeper/Zookeeper_2k.log"),
      "--format",
      "<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>",
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(2000);
  });

  it("logs mine: a bad format or missing file is a clear error with exit code 2", async () => {
    expect((await pitcrew(["logs", "mine", "/nonexistent.log", "--json"])).code).toBe(2);
    const bad = await pitcrew(["logs", "mine", "-", "--format", "<Date> (<Content>"], "x\n");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/format|regular expression|<Content>/i);
  });

  it("stack --json: exception, frames and ranked suspects of a Java trace", async () => {
    const trace = [
      "java.lang.IllegalArgumentException: The Character must not be null",
      "\tat org.apache.commons.lang3.Validate.notNull(Validate.java:222)",
      "\tat org.apache.commons.lang3.CharUtils.toChar(CharUtils.java:142)",
      "\tat org.apache.commons.lang3.CharUtilsTest.testToChar(CharUtilsTest.java:87)",
      "\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
      "\tat junit.framework.TestCase.runTest(TestCase.java:176)",
    ].join("\n");
    const r = await pitcrew(["stack", "-", "--app", "org.apache.commons.lang3", "--json"], trace);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.exception).toEqual({
      type: "java.lang.IllegalArgumentException",
      message: "The Character must not be null",
    });
    expect(j.frames[0]).toMatchObject({
      file: "org/apache/commons/lang3/Validate.java",
      line: 222,
      function: "notNull",
      inApp: true,
    });
    expect(j.suspects[0]).toMatchObject({
      file: "org/apache/commons/lang3/CharUtils.java",
      line: 142,
      function: "toChar",
    });
    expect(j.suspects[0].reasons.length).toBeGreaterThan(0);
    const keys = j.suspects.map((s: { file: string; line: number }) => `${s.file}:${s.line}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("stack: binary garbage is a clear error with exit code 2", async () => {
    const r = await pitcrew(["stack", "-"], "\u0000\u0001\u0002\u00ff".repeat(100));
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeGreaterThan(0);
  });

  it("tests prioritize --json: every candidate once, stderr for a skipped run, exit 2 naming the bad file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pitcrew-contract-tests-"));
    const history = join(dir, "history");
    mkdirSync(history);
    const run = (failing: string) =>
      `<testsuites><testsuite name="s">${["one", "two", "three"]
        .map(
          (n) => `<testcase classname="pkg.T" name="${n}" time="0.1">${n === failing ? "<failure/>" : ""}</testcase>`,
        )
        .join("")}</testsuite></testsuites>`;
    writeFileSync(join(history, "001.xml"), run(""));
    writeFileSync(join(history, "002.xml"), "<testsuites><oops");
    writeFileSync(join(history, "003.xml"), run("two"));
    const candidates = join(dir, "candidates.txt");
    writeFileSync(candidates, "pkg.T.one\npkg.T.two\npkg.T.three\npkg.New.test\n");
    const r = await pitcrew(["tests", "prioritize", "--history", history, "--candidates", candidates, "--json"]);
    expect(r.code).toBe(0);
    const order = JSON.parse(r.stdout).order as string[];
    expect(order[0]).toBe("pkg.T.two");
    expect([...order].sort()).toEqual(["pkg.New.test", "pkg.T.one", "pkg.T.three", "pkg.T.two"]);
    expect(r.stderr).toContain("002.xml");

    const missing = await pitcrew([
      "tests",
      "prioritize",
      "--history",
      join(dir, "nope"),
      "--candidates",
      candidates,
      "--json",
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(join(dir, "nope"));
    const lone = join(dir, "lone");
    mkdirSync(lone);
    writeFileSync(join(lone, "run.xml"), "");
    const empty = await pitcrew(["tests", "prioritize", "--history", lone, "--candidates", candidates, "--json"]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(join(lone, "run.xml"));
  });
});
