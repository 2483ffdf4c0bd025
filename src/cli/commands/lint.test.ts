// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are pipeline text with ${{ }} references
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { registerLintCommand } from "./lint.js";

const dir = mkdtempSync(join(tmpdir(), "pitcrew-lint-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Runs `pitcrew lint …args` on a fresh program and returns what it printed and the exit code. */
async function lint(...args: string[]): Promise<{ out: string; exitCode: number | undefined }> {
  let out = "";
  const program = new Command("pitcrew")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: () => {} });
  registerLintCommand(program);
  process.exitCode = undefined;
  await program.parseAsync(["lint", ...args], { from: "user" });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { out, exitCode };
}

const GOOD = "jobs:\n  build:\n    steps:\n      - run: npm test\n";
const BAD =
  "jobs:\n  build:\n    timeout: soon\n    needs: [lint]\n    steps:\n      - run: echo ${{ branch }}\n        if: failure()\n";

describe("pitcrew lint", () => {
  const stdin = Object.getOwnPropertyDescriptor(process, "stdin")!;
  afterEach(() => {
    Object.defineProperty(process, "stdin", stdin);
  });

  it("prints a summary and exits 0 for a clean file", async () => {
    const { out, exitCode } = await lint(file("good.yaml", GOOD));
    expect(out).toBe("0 errors, 0 warnings\n");
    expect(exitCode).toBeUndefined();
  });

  it("prints diagnostics like a compiler, with the source line and a caret, and exits 1", async () => {
    const path = file("bad.yaml", BAD);
    const { out, exitCode } = await lint(path);
    expect(exitCode).toBe(1);
    expect(out.split("\n")).toEqual([
      `${path}:3:14: error[invalid-duration]: invalid duration 'soon' (expected e.g. "90s", "10m", "1h30m" or a number of seconds)`,
      "  3 |     timeout: soon",
      "    |              ^",
      `${path}:4:13: error[unknown-need]: job 'build' needs 'lint', which is not a job of this pipeline`,
      "  4 |     needs: [lint]",
      "    |             ^",
      `${path}:6:19: error[untrusted-interpolation]: \${{ branch }} in run: branch names and inputs are untrusted; map them into env and use "$VAR"`,
      "  6 |       - run: echo ${{ branch }}",
      "    |                   ^",
      `${path}:7:13: warning[condition-never-true]: failure() is never true for the first step of a job`,
      "  7 |         if: failure()",
      "    |             ^",
      "3 errors, 1 warning",
      "",
    ]);
  });

  it("--json prints { file, ok, diagnostics }", async () => {
    const path = file("bad.yaml", BAD);
    const { out, exitCode } = await lint(path, "--json");
    const json = JSON.parse(out);
    expect(json.file).toBe(path);
    expect(json.ok).toBe(false);
    expect(json.diagnostics.map((d: { code: string }) => d.code)).toEqual([
      "invalid-duration",
      "unknown-need",
      "untrusted-interpolation",
      "condition-never-true",
    ]);
    expect(json.diagnostics[0]).toMatchObject({ severity: "error", line: 3, column: 14, path: "jobs.build.timeout" });
    expect(exitCode).toBe(1);
  });

  it("warnings alone do not fail", async () => {
    const { out, exitCode } = await lint(file("warn.yaml", `${GOOD}        if: failure()\n`), "--json");
    expect(JSON.parse(out)).toMatchObject({ ok: true, diagnostics: [{ severity: "warning" }] });
    expect(exitCode).toBeUndefined();
  });

  it("'-' reads standard input", async () => {
    Object.defineProperty(process, "stdin", { value: Readable.from([Buffer.from("jobs: {}\n")]), configurable: true });
    const { out, exitCode } = await lint("-");
    expect(out).toBe(
      "<stdin>:1:1: error[no-jobs]: the pipeline has no jobs\n  1 | jobs: {}\n    | ^\n1 error, 0 warnings\n",
    );
    expect(exitCode).toBe(1);
  });

  it("defaults to .pitcrew/pipeline.yaml and says when it is missing", async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await expect(lint()).rejects.toThrow('pipeline file ".pitcrew/pipeline.yaml" not found');
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("pitcrew lint on real files, like a compiler", () => {
  const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/lint/${name}`, import.meta.url));
  const codes = (out: string) =>
    (JSON.parse(out) as { diagnostics: { code: string; line: number; message: string }[] }).diagnostics.map(
      (d) => `${d.line} ${d.code}: ${d.message}`,
    );

  it("reports every independent error, with did-you-mean for keys and job names", async () => {
    const { out, exitCode } = await lint(fixture("typos.yaml"), "--json");
    expect(exitCode).toBe(1);
    expect(codes(out)).toEqual([
      "10 unknown-key: unknown key 'timout' in 'jobs.test'; did you mean 'timeout'?",
      "11 unknown-need: job 'test' needs 'lnit', which is not a job of this pipeline; did you mean 'lint'?",
      "12 unknown-key: unknown key 'stpes' in 'jobs.test'; did you mean 'steps'?",
      "15 unknown-need: job 'build' needs 'tset', which is not a job of this pipeline; did you mean 'test'?",
      "16 invalid-value: jobs.build.retries: Too big: expected number to be <=10",
      "19 unknown-key: unknown key 'shel' in 'jobs.build.steps[0]'",
      "20 unknown-reference: job 'build' has no matrix key 'node'",
    ]);
  });

  it("turns a cascade of parser errors into one bad-indentation error at the line", async () => {
    const path = fixture("indentation.yaml");
    const { out, exitCode } = await lint(path);
    expect(exitCode).toBe(1);
    expect(out.split("\n").slice(0, 3)).toEqual([
      `${path}:5:6: error[bad-indentation]: bad indentation at 5:6: this line starts in column 6 where column 5 or 7 was expected; YAML nests by indentation, so the keys of one map and the items of one list start in the same column (the parser reported 3 errors from here)`,
      "  5 |      - run: npm test",
      "    |      ^",
    ]);
    expect(out).toMatch(/\n1 error, 0 warnings\n$/);
  });

  it.each([
    ["github-workflow.yml", "GitHub Actions workflow"],
    ["gitlab-ci.yml", "GitLab CI file"],
  ])("points %s at pitcrew import instead of listing every foreign key", async (name, format) => {
    const path = fixture(name);
    const { out, exitCode } = await lint(path, "--json");
    expect(exitCode).toBe(1);
    expect(codes(out)).toEqual([
      `1 foreign-pipeline: this looks like a ${format}, not a pitcrew pipeline; convert it with \`pitcrew import ${path}\``,
    ]);
  });
});
