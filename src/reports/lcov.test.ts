import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TooLargeError, ValidationError } from "../common/errors.js";
import { parseLcov } from "./lcov.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("parseLcov", () => {
  it("reads c8 output, stripping the workspace from absolute paths", () => {
    const files = parseLcov(fixture("c8-lcov.info"), { workspace: "/home/runner/work/app/app/" });
    expect(files).toEqual([
      {
        file: "src/math.js",
        linesTotal: 11,
        linesCovered: 9,
        branchesTotal: 4,
        branchesCovered: 2,
        functionsTotal: 3,
        functionsCovered: 2,
      },
      {
        file: "src/util/format.js",
        linesTotal: 4,
        linesCovered: 3,
        branchesTotal: 2,
        branchesCovered: 1,
        functionsTotal: 1,
        functionsCovered: 1,
      },
    ]);
  });

  it("keeps paths outside the workspace absolute", () => {
    const files = parseLcov(fixture("c8-lcov.info"), { workspace: "/elsewhere" });
    expect(files[0]!.file).toBe("/home/runner/work/app/app/src/math.js");
  });

  it("reads istanbul output with relative and backslashed paths and FNF:0", () => {
    const files = parseLcov(fixture("istanbul-lcov.info"));
    expect(files.map((f) => f.file)).toEqual(["src/server.ts", "src/routes/health.ts"]);
    expect(files[0]).toMatchObject({ linesTotal: 5, linesCovered: 3, functionsTotal: 2, functionsCovered: 1 });
    expect(files[1]).toEqual({
      file: "src/routes/health.ts",
      linesTotal: 2,
      linesCovered: 2,
      branchesTotal: 2,
      branchesCovered: 1,
      functionsTotal: 0,
      functionsCovered: 0,
    });
  });

  it("merges records of the same file line by line and falls back to LF/LH summaries", () => {
    const text = [
      "SF:./a.js",
      "DA:1,0",
      "DA:2,1",
      "BRDA:1,0,0,-",
      "end_of_record",
      "SF:a.js",
      "DA:1,5",
      "DA:3,0",
      "BRDA:1,0,0,2",
      "end_of_record",
      "SF:b.js",
      "LF:10",
      "LH:7",
      "end_of_record",
    ].join("\r\n");
    expect(parseLcov(text)).toEqual([
      { file: "a.js", linesTotal: 3, linesCovered: 2, branchesTotal: 1, branchesCovered: 1 },
      { file: "b.js", linesTotal: 10, linesCovered: 7, branchesTotal: 0, branchesCovered: 0 },
    ]);
  });

  it("reads lcov 2 function records with an end line", () => {
    const [f] = parseLcov("SF:x.c\nFN:3,9,main\nFN:11,20,helper\nFNDA:1,main\nDA:3,1\nend_of_record\n");
    expect(f).toMatchObject({ functionsTotal: 2, functionsCovered: 1 });
  });

  it("rejects malformed, misplaced and missing records with the line number", () => {
    expect(() => parseLcov("SF:a.js\nDA:one,1\n", { file: "lcov.info" })).toThrow(
      /lcov report 'lcov.info' line 2: malformed DA record 'DA:one,1'/,
    );
    expect(() => parseLcov("DA:1,1\nSF:a.js\n")).toThrow(/line 1: DA record outside an SF: section/);
    expect(() => parseLcov("TN:\n")).toThrow(ValidationError);
    expect(() => parseLcov("just some text")).toThrow(/has no SF: records, expected an lcov tracefile/);
    expect(() => parseLcov("SF:a\nDA:1,1\n", { maxBytes: 4 })).toThrow(TooLargeError);
  });
});
