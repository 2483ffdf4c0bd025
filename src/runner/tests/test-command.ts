/**
 * The framework adapters: the shell line that runs one test file under a framework pitcrew
 * drives, writing a machine-readable report, and how to read that report back as test cases.
 * The command itself is the step's `run` (written by the pipeline author); the file name and the
 * report path come after it, each quoted, so a hostile file name is only ever one argument.
 */
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
  /** Absolute path where the framework writes its report. */
  reportPath: string;
  /** Stop inside the file at its first failing test. */
  failFast: boolean;
}

/** The shell line for one test file (arguments quoted; see the comment at the top). */
export function testFileScript(r: TestFileRun): string {
  return `${r.command} ${adapterArgs(r).map(shellQuote).join(" ")}`;
}

function adapterArgs({ framework, file, reportPath, failFast }: TestFileRun): string[] {
  switch (framework) {
    case "vitest":
      // An absolute path as the filter matches this one file only (vitest filters by substring).
      return [
        "--reporter=default",
        "--reporter=junit",
        `--outputFile.junit=${reportPath}`,
        "--sequence.shuffle=false",
        ...(failFast ? ["--bail=1"] : []),
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
      return [`--junitxml=${reportPath}`, "-p", "no:cacheprovider", ...(failFast ? ["-x"] : []), file];
  }
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
