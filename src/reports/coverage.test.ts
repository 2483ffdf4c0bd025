import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TooLargeError, ValidationError } from "../common/errors.js";
import { detectCoverageFormat, parseCoverage } from "./coverage.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("parseCoverage", () => {
  it("detects the format by content, not by file name", () => {
    expect(detectCoverageFormat(fixture("c8-lcov.info"))).toBe("lcov");
    expect(detectCoverageFormat(fixture("istanbul-lcov.info"))).toBe("lcov");
    expect(detectCoverageFormat(fixture("coverage-py-cobertura.xml"))).toBe("cobertura");
    expect(detectCoverageFormat(`\uFEFF\n  <?xml version="1.0"?><coverage/>`)).toBe("cobertura");
    expect(parseCoverage(fixture("c8-lcov.info"), { workspace: "/home/runner/work/app/app" })[0]!.file).toBe(
      "src/math.js",
    );
    expect(parseCoverage(fixture("coverage-py-cobertura.xml"))).toHaveLength(3);
  });

  it("refuses garbage, wrong XML, binary and oversize input with what it expected", () => {
    expect(() => parseCoverage("lines: 80%", { file: "cov.txt" })).toThrow(
      /coverage report 'cov.txt' is neither XML nor lcov records, expected an lcov tracefile or Cobertura XML/,
    );
    expect(() => parseCoverage("<testsuites/>")).toThrow(/expected Cobertura XML/);
    expect(() => parseCoverage(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toThrow(/binary data/);
    expect(() => parseCoverage("SF:a\n".repeat(100), { maxBytes: 64 })).toThrow(TooLargeError);
    expect(() => parseCoverage("")).toThrow(ValidationError);
  });
});
