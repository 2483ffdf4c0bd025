import { ValidationError } from "../common/errors.js";
import { clampDurationMs } from "./test-duration.js";
import type { TestCase, TestStatus } from "./junit.js";
import { describeReport, type ReportInputOptions, readReportText } from "./report-input.js";

const EXPECTED = "a jest --json report ({testResults: [{name, assertionResults}]})";

/**
 * Reads the report `jest --json --outputFile` writes: one case per assertion result, its classname
 * the test file (as jest names it, an absolute path) and its name the describe titles and the test's
 * title joined by ` > `. A suite that failed to run (syntax error, missing module) becomes one
 * `error` case named after the file, so a crash is never a silent pass.
 */
export function parseJestJson(
  input: string | Buffer,
  opts: ReportInputOptions & { rootDir?: string } = {},
): TestCase[] {
  const what = describeReport("jest report", opts.file);
  const text = readReportText(input, what, EXPECTED, opts.maxBytes);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`${what} is not JSON: ${(err as Error).message}`);
  }
  const results = (doc as { testResults?: unknown }).testResults;
  if (!Array.isArray(results)) throw new ValidationError(`${what} has no testResults list, expected ${EXPECTED}`);
  const cases: TestCase[] = [];
  for (const suite of results as JestSuite[]) {
    const file = String(suite.name ?? "");
    const assertions = Array.isArray(suite.assertionResults) ? suite.assertionResults : [];
    for (const a of assertions) {
      const status = STATUS[String(a.status)] ?? "skipped";
      const details = Array.isArray(a.failureMessages) ? a.failureMessages.join("\n") : "";
      cases.push({
        suite: file,
        classname: file,
        name: [...(Array.isArray(a.ancestorTitles) ? a.ancestorTitles : []), a.title].map(String).join(" > "),
        file,
        status,
        durationMs: typeof a.duration === "number" ? clampDurationMs(a.duration) : 0,
        ...(details && { message: details.split("\n")[0], details }),
      });
    }
    if (assertions.length === 0 && typeof suite.message === "string" && suite.message.trim() !== "") {
      const message = suite.message.trim();
      cases.push({
        suite: file,
        classname: file,
        name: "(suite failed to run)",
        file,
        status: "error",
        durationMs: 0,
        message: message.split("\n")[0],
        details: message,
      });
    }
  }
  return cases;
}

interface JestSuite {
  name?: unknown;
  message?: unknown;
  assertionResults?: {
    ancestorTitles?: unknown[];
    title?: unknown;
    status?: unknown;
    duration?: unknown;
    failureMessages?: unknown[];
  }[];
}

const STATUS: Record<string, TestStatus> = {
  passed: "passed",
  failed: "failed",
  pending: "skipped",
  skipped: "skipped",
  todo: "skipped",
  disabled: "skipped",
};
