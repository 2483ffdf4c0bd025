/**
 * The framework adapters: the shell line that runs one test file under a framework pitcrew
 * drives, writing a machine-readable report, and how to read that report back as test cases.
 * The command itself is the step's `run` (written by the pipeline author); the file name and the
 * report path come after it, each quoted, so a hostile file name is only ever one argument.
 */
import { basename, isAbsolute, relative, sep } from "node:path";
import type { TestFramework } from "../../common/plan.js";
import { parseJestJson, parseJUnit, type TestCase } from "../../reports/index.js";
import { shellQuote } from "../shell-quote.js";

/** A framework pitcrew runs file by file (everything but `file`, which gets the list instead). */
export type DrivenFramework = Exclude<TestFramework, "file">;

/** What runs one test file: `command` (the step's run) followed by the adapter's quoted arguments. */
export interface TestFileRun {
  command: string;
  framework: DrivenFramework;
  /** Absolute path of the test file. */
  file: string;
  /** Absolute path of the directory the command runs in (the step's working directory). */
  cwd: string;
  /** Absolute path where the framework writes its report. */
  reportPath: string;
  /** Stop inside the file at its first failing test. */
  failFast: boolean;
  /** Arguments loading a plugin, before the adapter's own (pytest only: the coverage.py plugin). */
  pluginArgs?: readonly string[];
}

/** The shell line for one test file (arguments quoted; see the comment at the top). */
export function testFileScript(r: TestFileRun): string {
  return `${r.command} ${adapterArgs(r).map(shellQuote).join(" ")}`;
}

function adapterArgs({ framework, file, cwd, reportPath, failFast, pluginArgs = [] }: TestFileRun): string[] {
  switch (framework) {
    case "vitest":
      return [
        "--reporter=default",
        "--reporter=junit",
        `--outputFile.junit=${reportPath}`,
        "--sequence.shuffle=false",
        ...(failFast ? ["--bail=1"] : []),
        ...vitestOnly(cwd, file),
        file,
      ];
    case "jest":
      // No --bail: it counts failed files (one here) and exits before writing the report.
      return ["--ci", "--json", `--outputFile=${reportPath}`, "--runTestsByPath", file];
    case "node-test":
      return [
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
        "--test-reporter=junit",
        `--test-reporter-destination=${reportPath}`,
        file,
      ];
    case "pytest":
      return [...pluginArgs, `--junitxml=${reportPath}`, "-p", "no:cacheprovider", ...(failFast ? ["-x"] : []), file];
  }
}

/**
 * vitest's file filter is a case-insensitive substring of the path relative to its root, so
 * `src/a.test.ts` also matches `src/a.test.tsx` and `lib/src/a.test.ts`. Two `--exclude` globs
 * leave those out: the base name followed by anything (`a.test.ts?*` under `**`), and the path
 * below the working directory under a further directory (`*` then `/src/a.test.ts`, under `**`).
 * Neither matches a directory or the file itself under any root, so a workspace with `projects`
 * keeps working; a re-cased twin (`src/A.test.ts`) still runs with it.
 */
function vitestOnly(cwd: string, file: string): string[] {
  const glob = (s: string) => s.replace(/[\\*?[\]{}()!+@|]/g, "\\$&");
  const out = ["--exclude", `**/${glob(basename(file))}?*`];
  const rel = relative(cwd, file);
  if (rel !== "" && !rel.startsWith("..") && !isAbsolute(rel))
    out.push("--exclude", `**/*/${rel.split(sep).map(glob).join("/")}`);
  return out;
}

/**
 * Reads the report of one test file: every case gets `file` = the test file (workspace-relative);
 * node:test and jest, whose reports name no class, get the file as classname too, so test ids
 * (`classname.name`) are unique across files.
 */
export function readTestReport(framework: DrivenFramework, data: Buffer, file: string, reportName: string): TestCase[] {
  if (framework === "jest")
    return parseJestJson(data, { file: reportName }).map((c) => ({ ...c, classname: file, suite: file, file }));
  const cases = parseJUnit(data, { file: reportName }).cases;
  return cases.map((c) => ({ ...c, file, ...(framework === "node-test" && { classname: file }) }));
}
