import { ValidationError } from "../common/errors.js";
import { capText, describeReport, type ReportInputOptions, readReportText } from "./report-input.js";
import { attr, children, parseSafeXml, rootElement, text, type XmlNode } from "./safe-xml.js";
import { clampDurationMs } from "./test-duration.js";

/** Outcome of one test case. */
export type TestStatus = "passed" | "failed" | "error" | "skipped";

/** One test case from a JUnit XML report. */
export interface TestCase {
  /** Name of the innermost `<testsuite>` holding the case. */
  suite: string;
  classname: string;
  name: string;
  /** Source file, when the report says (`file` attribute of the case or its suite). */
  file?: string;
  status: TestStatus;
  durationMs: number;
  /** Failure/error/skip message (the `message` attribute, else the first line of the text). */
  message?: string;
  /** Failure/error text, typically a stack trace. */
  details?: string;
  /** A flaky failure reported without failing its job (set by the runner, never read from a report). */
  quarantined?: boolean;
}

/** A parsed JUnit report. */
export interface JUnitReport {
  cases: TestCase[];
}

const EXPECTED = "JUnit XML (a <testsuites> or <testsuite> root element)";

/**
 * Parses a JUnit XML report (Surefire, pytest, jest-junit, go-junit-report and alike):
 * `<testsuites>` or bare `<testsuite>` roots, nested suites, `<failure>`, `<error>`, `<skipped>`.
 * Entity declarations, oversize input and anything that is not JUnit XML are refused.
 */
export function parseJUnit(input: string | Buffer, opts: ReportInputOptions = {}): JUnitReport {
  const what = describeReport("JUnit report", opts.file);
  const xml = readReportText(input, what, EXPECTED, opts.maxBytes);
  const doc = parseSafeXml(xml, what, EXPECTED, {
    arrays: ["testsuite", "testcase", "failure", "error", "skipped"],
    skip: ["system-out", "system-err", "properties"],
  });
  const root = rootElement(doc);
  if (root === undefined) throw new ValidationError(`${what} has no root element, expected ${EXPECTED}`);
  if (root.tag !== "testsuites" && root.tag !== "testsuite") {
    throw new ValidationError(`${what} has a <${root.tag}> root element, expected ${EXPECTED}`);
  }
  const cases: TestCase[] = [];
  const top = root.tag === "testsuite" ? children(doc, "testsuite") : children(root.node, "testsuite");
  for (const suite of top) collectSuite(suite, attr(root.node, "file"), cases);
  if (root.tag === "testsuites") {
    for (const tc of children(root.node, "testcase")) cases.push(toCase(tc, attr(root.node, "name") ?? "", undefined));
  }
  return { cases };
}

function collectSuite(suite: XmlNode, parentFile: string | undefined, out: TestCase[]): void {
  const name = attr(suite, "name") ?? "";
  const file = attr(suite, "file") ?? parentFile;
  for (const tc of children(suite, "testcase")) out.push(toCase(tc, name, file));
  for (const inner of children(suite, "testsuite")) collectSuite(inner, file, out);
}

function toCase(tc: XmlNode, suite: string, suiteFile: string | undefined): TestCase {
  const file = attr(tc, "file") ?? suiteFile;
  const base = {
    suite,
    classname: attr(tc, "classname") ?? attr(tc, "class") ?? "",
    name: attr(tc, "name") ?? "",
    ...(file === undefined ? {} : { file }),
    durationMs: parseSeconds(attr(tc, "time")),
  };
  for (const [tag, status] of [
    ["error", "error"],
    ["failure", "failed"],
    ["skipped", "skipped"],
  ] as const) {
    const node = children(tc, tag)[0];
    if (node !== undefined) return { ...base, status, ...describeOutcome(node) };
  }
  return { ...base, status: "passed" };
}

function describeOutcome(node: XmlNode): { message?: string; details?: string } {
  const details = text(node)
    .replace(/^\s*\n/, "")
    .trimEnd();
  const message = attr(node, "message")?.trim() || details.trim().split("\n")[0]?.trim();
  return {
    ...(message ? { message: capText(message) } : {}),
    ...(details ? { details: capText(details) } : {}),
  };
}

/**
 * Converts a `time` attribute in seconds to whole milliseconds. Missing or unreadable values
 * are 0; a value over a day is clamped to `MAX_TEST_DURATION_MS` (`time="1e9"` in a hostile report). A comma is a thousands separator when a dot is also present or it groups three digits
 * (`1,234.5`, `1,234`), else a decimal comma (`0,25`).
 */
export function parseSeconds(value: string | undefined): number {
  if (value === undefined) return 0;
  let v = value.trim();
  if (v.includes(",")) v = v.includes(".") || /^\d{1,3}(,\d{3})+$/.test(v) ? v.replace(/,/g, "") : v.replace(",", ".");
  const seconds = Number(v);
  return v === "" || Number.isNaN(seconds) ? 0 : clampDurationMs(seconds * 1000);
}
