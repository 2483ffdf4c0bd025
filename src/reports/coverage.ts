import { ValidationError } from "../common/errors.js";
import { parseCobertura } from "./cobertura.js";
import type { CoverageOptions, FileCoverage } from "./file-coverage.js";
import { parseLcov } from "./lcov.js";
import { describeReport, readReportText } from "./report-input.js";

/** The coverage formats pitcrew reads. */
export type CoverageFormat = "lcov" | "cobertura";

const EXPECTED = "an lcov tracefile or Cobertura XML";

/**
 * Detects the format of a coverage report by its content: XML → Cobertura, `SF:`/`TN:`/`VER:`
 * records → lcov. Size, binary and empty input are refused first.
 */
export function detectCoverageFormat(input: string | Buffer, opts: CoverageOptions = {}): CoverageFormat {
  const what = describeReport("coverage report", opts.file);
  const text = readReportText(input, what, EXPECTED, opts.maxBytes);
  const head = text.slice(0, 65_536);
  if (head.trimStart().startsWith("<")) return "cobertura";
  if (/^\s*(TN|SF|VER):/m.test(head)) return "lcov";
  throw new ValidationError(`${what} is neither XML nor lcov records, expected ${EXPECTED}`);
}

/** Parses an lcov or Cobertura report, whichever it is, under the same rules as each parser. */
export function parseCoverage(input: string | Buffer, opts: CoverageOptions = {}): FileCoverage[] {
  return detectCoverageFormat(input, opts) === "lcov" ? parseLcov(input, opts) : parseCobertura(input, opts);
}
