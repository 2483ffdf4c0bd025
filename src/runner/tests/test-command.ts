/**
 * The framework adapters: the shell line that runs one test file under a framework pitcrew
 * drives, writing a machine-readable report, and how to read that report back as test cases.
 * The command itself is the step's `run` (written by the pipeline author); the file name and the
 * report path come after it, each quoted, so a hostile file name is only ever one argument.
 */
import { isAbsolute, relative, sep } from "node:path";
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
}

/** The shell line for one test file (arguments quoted; see the comment at the top). */
export function testFileScript(r: TestFileRun): string {
  return `${r.command} ${adapterArgs(r).map(shellQuote).join(" ")}`;
}

function adapterArgs({ framework, file, cwd, reportPath, failFast }: TestFileRun): string[] {
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
      return [`--junitxml=${reportPath}`, "-p", "no:cacheprovider", ...(failFast ? ["-x"] : []), file];
  }
}

/**
 * vitest's file filter is a case-insensitive substring (`src/a.test.ts` also runs `src/a.test.tsx`,
 * `lib/src/a.test.ts`, `src/A.test.ts`): one `--exclude` per path segment below `cwd` (vitest's
 * root) leaves out every path but the file's: `!(src)`, `src/!(a.test.ts)`. A file outside `cwd`
 * gets none (vitest would not find it anyway).
 */
function vitestOnly(cwd: string, file: string): string[] {
  const rel = relative(cwd, file);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return [];
  const segments = rel.split(sep).map((s) => s.replace(/[\\*?[\]{}()!+@|]/g, "\\$&"));
  return segments.flatMap((seg, i) => ["--exclude", [...segments.slice(0, i), `!(${seg})`].join("/")]);
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
