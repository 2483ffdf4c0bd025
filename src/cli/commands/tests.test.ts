import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerTestsCommand } from "./tests.js";

const root = mkdtempSync(join(tmpdir(), "pitcrew-tests-cmd-"));
let n = 0;

/** A history directory with one JUnit file per run; a run is id → "pass" | "fail" | "retry" or raw text. */
function historyDir(runs: (Record<string, "pass" | "fail" | "retry"> | string)[], names?: string[]): string {
  const dir = join(root, `h${n++}`);
  mkdirSync(dir);
  runs.forEach((r, i) => {
    const body =
      typeof r === "string"
        ? r
        : `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n<testsuite name="s">\n${Object.entries(r)
            .map(([id, o]) => {
              const dot = id.lastIndexOf(".");
              const tc = `<testcase classname="${id.slice(0, dot)}" name="${id.slice(dot + 1)}" time="0.25"`;
              if (o === "pass") return `${tc}/>`;
              const failed = `${tc}><failure message="boom">at x</failure></testcase>`;
              return o === "fail" ? failed : `${failed}\n${tc}/>`;
            })
            .join("\n")}\n</testsuite>\n</testsuites>\n`;
    writeFileSync(join(dir, names?.[i] ?? `run-${i + 1}.xml`), body);
  });
  return dir;
}

function candidates(text: string): string {
  const file = join(root, `c${n++}.txt`);
  writeFileSync(file, text);
  return file;
}

async function tests(...args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  let out = "";
  let err = "";
  const program = new Command("pitcrew")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerTestsCommand(program);
  for (const c of program.commands) c.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  for (const c of program.commands[0]!.commands)
    c.exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  process.exitCode = undefined;
  await program.parseAsync(["tests", ...args], { from: "user" });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { out, err, exitCode };
}

const order = (out: string) => (JSON.parse(out) as { order: string[] }).order;

describe("pitcrew tests prioritize --history --candidates --json", () => {
  const passing = { "a.B.one": "pass", "a.B.two": "pass", "c.D.three": "pass" } as const;

  it("prints every candidate once, failing first, new tests before stable ones, learning runs in name order", async () => {
    // Names sort by number (run-99 before run-100), so c.D.three failed last.
    const runs = [
      ...Array.from({ length: 30 }, () => passing),
      { ...passing, "c.D.three": "fail" as const },
      { ...passing, "a.B.two": "fail" as const },
    ];
    const dir = historyDir(runs, [
      ...Array.from({ length: 30 }, (_, i) => `run-${i + 1}.xml`),
      "run-100.xml",
      "run-99.xml",
    ]);
    const r = await tests(
      "prioritize",
      "--history",
      dir,
      "--candidates",
      candidates("a.B.one\n\nc.D.three\nnew.E.four\na.B.two\nc.D.three\n"),
      "--json",
    );
    expect(r.exitCode).toBeUndefined();
    expect(order(r.out)).toEqual(["c.D.three", "a.B.two", "new.E.four", "a.B.one"]);
    expect(r.err).toMatch(/repeated ids listed once \(lines 6\)/);
  });

  it("skips one malformed run among many, saying so on stderr", async () => {
    const dir = historyDir([passing, "<testsuites><testsuite>", { ...passing, "a.B.one": "fail" }]);
    const r = await tests("prioritize", "--history", dir, "--candidates", candidates("a.B.two\na.B.one\n"), "--json");
    expect(r.exitCode).toBeUndefined();
    expect(order(r.out)).toEqual(["a.B.one", "a.B.two"]);
    expect(r.err).toMatch(/skipped run: JUnit report '.*run-2\.xml' is not well-formed XML \(line 1/);
  });

  it("exits 2 naming the file for a missing directory, a lone malformed or empty file, and bad candidates", async () => {
    const ok = candidates("a.B.one\n");
    const cases: [string[], RegExp][] = [
      [["--history", join(root, "nope"), "--candidates", ok], /history directory '.*nope' does not exist/],
      [
        ["--history", historyDir(["<testsuite><testcase"]), "--candidates", ok],
        /no usable run: JUnit report '.*run-1\.xml' is not well-formed XML/,
      ],
      [["--history", historyDir([""]), "--candidates", ok], /JUnit report '.*run-1\.xml' is empty/],
      [
        ["--history", historyDir(["<testsuites/>"]), "--candidates", ok],
        /JUnit report '.*run-1\.xml' has no test cases/,
      ],
      [["--history", historyDir([]), "--candidates", ok], /holds no JUnit XML files/],
      [
        ["--history", historyDir([passing]), "--candidates", join(root, "none.txt")],
        /candidates file '.*none\.txt' does not exist/,
      ],
      [
        ["--history", historyDir([passing]), "--candidates", candidates("\n \n")],
        /candidates file '.*' lists no test id/,
      ],
      [
        ["--history", historyDir([passing]), "--candidates", candidates("a.B.one\nnodot\n")],
        /line 2: unknown test id 'nodot': not in the history and not of the form classname.name/,
      ],
      [
        ["--history", historyDir([passing]), "--candidates", candidates("a.B\u0000one\n")],
        /line 1: the test id contains control characters/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await tests("prioritize", ...args, "--json");
      expect(r.exitCode, message.source).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toMatch(message);
    }
  });

  it("accepts an id without a dot when the history has it (a JUnit case with no classname)", async () => {
    const dir = historyDir(['<testsuite name="s"><testcase name="bare" time="1"/></testsuite>']);
    const r = await tests("prioritize", "--history", dir, "--candidates", candidates("bare\n"), "--json");
    expect(order(r.out)).toEqual(["bare"]);
  });

  it("without --json prints a table with the reason of each position", async () => {
    const dir = historyDir([passing, { ...passing, "a.B.two": "fail" }]);
    const r = await tests("prioritize", "--history", dir, "--candidates", candidates("a.B.one\na.B.two\n"));
    expect(r.out.split("\n")[1]).toMatch(/^1\s+a\.B\.two\s+0\.\d+\s+250ms\s+failed its last run/);
  });
});

describe("pitcrew tests flaky --history", () => {
  it("lists tests that failed and passed in the same run with their evidence", async () => {
    const dir = historyDir([
      { "a.B.one": "pass", "a.B.two": "retry" },
      { "a.B.one": "pass", "a.B.two": "pass" },
    ]);
    const r = await tests("flaky", "--history", dir, "--json");
    const list = JSON.parse(r.out).tests;
    expect(list).toEqual([
      {
        id: "a.B.two",
        score: 2 / 3,
        flaky: true,
        runs: 2,
        failures: 1,
        mixedRuns: 1,
        blips: 0,
        evidence: ["run-1.xml: failed and passed in the same run"],
      },
    ]);
  });
});
