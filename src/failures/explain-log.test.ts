import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { explainLines, explainLogFile, explainLogText } from "./explain-log.js";
import { LogInputError } from "./log-input-error.js";

const ts = (i: number) => `2024-01-01T00:00:${String(i % 60).padStart(2, "0")}.0000000Z `;

/** A GitHub Actions-shaped log: setup noise, an install step with progress bars, a failing step. */
function githubLog(failure: string[]): string {
  const lines: string[] = ["##[group]Run actions/checkout@v4", "Syncing repository: acme/app", "##[endgroup]"];
  lines.push(
    "##[group]Run npm ci",
    ...Array.from({ length: 200 }, (_, i) => `npm http fetch GET 200 https://registry.npmjs.org/pkg-${i} ${i}ms`),
  );
  lines.push("Downloading 10%\rDownloading 60%\rDownloading 100%", "added 200 packages in 4s", "##[endgroup]");
  lines.push("##[group]Run npm test", "> app@1.0.0 test", ...failure, "##[error]Process completed with exit code 1.");
  return `${lines.map((l, i) => ts(i) + l).join("\n")}\n`;
}

describe("explainLogText", () => {
  it("ranks a tsc diagnostic first and classifies compile, with 1-based raw line numbers", async () => {
    const log = githubLog([
      "> tsc -p .",
      "src/cart.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    ]);
    const e = await explainLogText(log);
    const want = log.split("\n").findIndex((l) => l.includes("TS2322")) + 1;
    expect(e.lines[0]).toMatchObject({
      line: want,
      text: "src/cart.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    });
    expect(e.lines[0]!.evidence.signals).toContain("tsc-diagnostic");
    expect(e.lines[0]!.evidence.failingStep).toBe(1);
    expect(e.category).toBe("compile");
    expect(e.confidence).toBeGreaterThan(0.5);
    expect(e.evidence.some((v) => v.line === want)).toBe(true);
  });

  it("finds a failing vitest test and its assertion", async () => {
    const log = githubLog([
      " RUN  v3.2.4 /work/app",
      " ✓ src/a.test.ts (3 tests) 4ms",
      " FAIL  src/cart.test.ts > cart > adds items",
      "AssertionError: expected 3 to be 4 // Object.is equality",
      " Test Files  1 failed | 1 passed (2)",
    ]);
    const e = await explainLogText(log);
    const top = e.lines.slice(0, 3).map((l) => l.text);
    expect(top.some((t) => t.startsWith("AssertionError: expected 3 to be 4"))).toBe(true);
    expect(top.some((t) => t.includes("FAIL  src/cart.test.ts"))).toBe(true);
    expect(e.category).toBe("test");
  });

  it("reads pytest, Go, Maven and npm dependency failures", async () => {
    const cases: [string[], string, string][] = [
      [
        ["tests/test_x.py F", "E       assert 2 == 3", "FAILED tests/test_x.py::test_add - assert 2 == 3"],
        "E       assert 2 == 3",
        "test",
      ],
      [
        ["=== RUN   TestAdd", "--- FAIL: TestAdd (0.00s)", "    add_test.go:9: got 2, want 3", "FAIL"],
        "--- FAIL: TestAdd (0.00s)",
        "test",
      ],
      [
        [
          "[INFO] BUILD FAILURE",
          "[ERROR] /app/src/main/java/App.java:[27,12] cannot find symbol",
          "[ERROR] -> [Help 1]",
        ],
        "[ERROR] /app/src/main/java/App.java:[27,12] cannot find symbol",
        "compile",
      ],
      [
        [
          "npm ERR! code ETARGET",
          "npm ERR! notarget No matching version found for left-pad@9.9.9.",
          "npm ERR! A complete log of this run can be found in: /x.log",
        ],
        "npm ERR! notarget No matching version found for left-pad@9.9.9.",
        "dependency",
      ],
    ];
    for (const [failure, line, category] of cases) {
      const e = await explainLogText(githubLog(failure));
      expect(e.lines.slice(0, 5).map((l) => l.text)).toContain(line.trim());
      expect(e.category).toBe(category);
    }
  });

  it("marks the exception line of a Python traceback the stack parsers read", async () => {
    const e = await explainLogText(
      githubLog([
        "Traceback (most recent call last):",
        '  File "/app/main.py", line 3, in <module>',
        "    run()",
        '  File "/app/main.py", line 2, in run',
        "    raise ValueError('bad config')",
        "ValueError: bad config",
      ]),
    );
    const line = e.lines.find((l) => l.text === "ValueError: bad config");
    expect(line?.evidence.trace).toMatchObject({ language: "python", exception: "ValueError: bad config" });
    expect(e.lines.indexOf(line!)).toBeLessThan(3);
  });

  it("falls back to the tail when nothing signals a failure, and says the cause is unknown", async () => {
    const e = await explainLogText("step one\nstep two\nthe end\n");
    expect(e.category).toBe("unknown");
    expect(e.confidence).toBe(0);
    expect(e.lines[0]).toMatchObject({ line: 3, text: "the end" });
  });

  it("returns at most 50 lines and keeps memory bounded on a long log", async () => {
    async function* huge() {
      for (let i = 1; i <= 300_000; i++)
        yield { text: i % 1000 === 0 ? `error: item ${i} failed` : `processing item ${i}`, truncated: false };
      yield { text: "fatal: could not write /out/result.bin", truncated: false };
    }
    const e = await explainLines(huge(), { maxCandidates: 100, tailLines: 50 });
    expect(e.totalLines).toBe(300_001);
    expect(e.lines.length).toBeLessThanOrEqual(50);
    expect(e.lines[0]!.line).toBe(300_001);
  });
});

describe("explainLogFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-explain-"));

  it("refuses missing, empty and binary files with a LogInputError naming the file", async () => {
    const empty = join(dir, "empty.log");
    const blank = join(dir, "blank.log");
    const binary = join(dir, "image.png");
    writeFileSync(empty, "");
    writeFileSync(blank, "\n\n  \n");
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3]));
    for (const [file, problem] of [
      [join(dir, "nope.log"), "missing"],
      [empty, "empty"],
      [blank, "empty"],
      [binary, "binary"],
      [dir, "not_a_file"],
    ] as const) {
      const err = await explainLogFile(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LogInputError);
      expect(err).toMatchObject({ problem, message: expect.stringContaining(file) });
    }
  });

  it("counts '\\n' for line numbers whatever the carriage returns and cuts overlong lines", async () => {
    const file = join(dir, "progress.log");
    writeFileSync(file, `a\r\nb 1%\rb 100%\r\n${"x".repeat(100_000)}\nerror: disk quota exceeded\r\n`);
    const e = await explainLogFile(file);
    expect(e.lines[0]).toMatchObject({ line: 4, text: "error: disk quota exceeded" });
    expect(e.truncatedLines).toBe(1);
    expect(e.totalLines).toBe(4);
  });
});
