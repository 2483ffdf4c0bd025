import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../common/errors.js";
import { parseCobertura } from "./cobertura.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("parseCobertura", () => {
  it("reads coverage.py output, joining <sources> and stripping the workspace", () => {
    const files = parseCobertura(fixture("coverage-py-cobertura.xml"), { workspace: "/home/runner/work/calc/calc" });
    expect(files).toEqual([
      { file: "src/calc/__init__.py", linesTotal: 2, linesCovered: 2, branchesTotal: 0, branchesCovered: 0 },
      { file: "src/calc/ops.py", linesTotal: 8, linesCovered: 6, branchesTotal: 4, branchesCovered: 2 },
      { file: "src/calc/cli/main.py", linesTotal: 2, linesCovered: 1, branchesTotal: 0, branchesCovered: 0 },
    ]);
  });

  it("falls back to the class file name when no source lies in the workspace", () => {
    const files = parseCobertura(fixture("coverage-py-cobertura.xml"), { workspace: "/somewhere/else" });
    expect(files.map((f) => f.file)).toEqual(["calc/__init__.py", "calc/ops.py", "calc/cli/main.py"]);
  });

  it("joins relative sources (coverage.py relative_files)", () => {
    const xml = `<coverage><sources><source>src</source></sources><packages><package><classes>
      <class filename="pkg/mod.py"><lines><line number="1" hits="0"/></lines></class></classes></package></packages></coverage>`;
    expect(parseCobertura(xml)[0]!.file).toBe("src/pkg/mod.py");
  });

  it("reads Java Cobertura: Windows sources, a DOCTYPE, merged inner classes and methods", () => {
    const files = parseCobertura(fixture("cobertura-java.xml"), { workspace: ["C:\\build\\agent\\_work\\1\\s"] });
    expect(files).toEqual([
      {
        file: "src/main/java/com/acme/Greeter.java",
        linesTotal: 5,
        linesCovered: 4,
        branchesTotal: 2,
        branchesCovered: 1,
        functionsTotal: 3,
        functionsCovered: 2,
      },
    ]);
  });

  it("accepts an empty report and refuses other documents and entities", () => {
    expect(parseCobertura('<coverage line-rate="0"><sources/><packages/></coverage>')).toEqual([]);
    expect(() => parseCobertura("<testsuites/>", { file: "cov.xml" })).toThrow(
      /Cobertura report 'cov.xml' has a <testsuites> root element, expected Cobertura XML/,
    );
    expect(() => parseCobertura('<!DOCTYPE c [<!ENTITY a "b">]><coverage/>')).toThrow(/declares XML entities/);
    const bad = '<coverage><packages><package><classes><class filename="a.py"><lines><line number="x" hits="1"/>';
    expect(() => parseCobertura(`${bad}</lines></class></classes></package></packages></coverage>`)).toThrow(
      ValidationError,
    );
    expect(() =>
      parseCobertura(
        '<coverage><packages><package><classes><class name="A"/></classes></package></packages></coverage>',
      ),
    ).toThrow(/class 'A' has no filename/);
  });
});
