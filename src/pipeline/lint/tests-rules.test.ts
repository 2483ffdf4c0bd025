// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are pipeline text with ${{ }} references
import { describe, expect, it } from "vitest";
import { lintPipeline } from "./lint-pipeline.js";

const job = (...stepLines: string[]) => `${["jobs:", "  test:", "    steps:", ...stepLines].join("\n")}\n`;

/** `[severity, code, line, column, message]` of every diagnostic. */
function diagnostics(text: string) {
  return lintPipeline(text).map((d) => [d.severity, d.code, d.line, d.column, d.message]);
}

describe("lint of a step's tests: block", () => {
  it("accepts a block with every key, and a framework step without run", () => {
    const text = job(
      "      - tests:",
      "          framework: vitest",
      "          select: prioritize",
      "          fail_fast: true",
      "          coverage: true",
      "          rerun_flaky: 2",
      "          quarantine: true",
      "          files: ['src/**/*.test.ts', '!src/slow/**']",
    );
    expect(diagnostics(text)).toEqual([]);
  });

  it.each<[string, string, unknown[]]>([
    [
      "unknown framework, with did you mean",
      job("      - tests: { framework: vitset }"),
      [
        "error",
        "invalid-value",
        4,
        29,
        expect.stringContaining("expected one of vitest, jest, node-test, pytest, file; did you mean 'vitest'?"),
      ],
    ],
    [
      "unknown select mode",
      job("      - tests: { framework: jest, select: prioritise }"),
      [
        "error",
        "invalid-value",
        4,
        43,
        expect.stringContaining("expected one of all, prioritize, select; did you mean 'prioritize'?"),
      ],
    ],
    [
      "misspelt key",
      job("      - tests: { framework: jest, fail-fast: true }"),
      ["error", "unknown-key", 4, 35, expect.stringContaining("did you mean 'fail_fast'?")],
    ],
    [
      "too many reruns",
      job("      - tests: { framework: pytest, rerun_flaky: 9 }"),
      ["error", "invalid-value", 4, 50, expect.stringContaining("rerun_flaky is at most 5")],
    ],
    [
      "a plain step without run",
      job("      - name: build"),
      [
        "error",
        "missing-run",
        4,
        9,
        "every step needs a 'run' script (a string), or a tests: block naming its framework",
      ],
    ],
    [
      "framework: file without run",
      job("      - tests: { framework: file, files: 't/*.sh' }"),
      ["error", "missing-run", 4, 9, expect.stringContaining("${{ tests.file }}")],
    ],
    [
      "framework: file without files",
      job("      - run: ./check ${{ tests.file }}", "        tests: { framework: file }"),
      ["error", "missing-test-files", 5, 29, expect.stringContaining("framework: file needs 'files'")],
    ],
    [
      "files leaving the workspace",
      job("      - tests: { framework: node-test, files: ['../other/*.test.js'] }"),
      [
        "error",
        "path-escape",
        4,
        48,
        "test file glob '../other/*.test.js' must be a relative path inside the workspace",
      ],
    ],
    [
      "tests.file in a step without tests:",
      job("      - run: cat ${{ tests.file }}"),
      [
        "error",
        "unknown-reference",
        4,
        18,
        "${{ tests.file }} is only defined in the run of a step with a tests: block",
      ],
    ],
    [
      "tests.file in the run of a framework that is not file",
      job("      - run: node --test --test-reporter=spec ${{ tests.file }}", "        tests: { framework: node-test }"),
      [
        "error",
        "tests-file-not-file-framework",
        4,
        47,
        expect.stringMatching(
          /^\$\{\{ tests\.file \}\} belongs to framework: file .*: write the command alone, or use framework: file$/,
        ),
      ],
    ],
    [
      "framework: file whose run ignores the list",
      job("      - run: ./all-tests.sh", "        tests: { framework: file, files: 't/*' }"),
      ["warning", "tests-file-unused", 4, 14, expect.stringContaining("never reads ${{ tests.file }}")],
    ],
  ])("%s", (_, text, expected) => {
    expect(diagnostics(text)).toEqual([expected]);
  });

  it("accepts coverage with pytest (coverage.py)", () => {
    expect(diagnostics(job("      - tests: { framework: pytest, coverage: true }"))).toEqual([]);
  });

  it("knows no other test reference than tests.file", () => {
    const text = job("      - run: cat ${{ tests.list }}", "        tests: { framework: file, files: 't/*' }");
    expect(diagnostics(text)).toContainEqual([
      "error",
      "unknown-reference",
      4,
      18,
      "${{ tests.list }}: the only test reference is tests.file",
    ]);
  });
});
