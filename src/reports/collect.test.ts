import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectReports } from "./collect.js";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

function workspace(): string {
  const ws = mkdtempSync(join(tmpdir(), "pitcrew-collect-"));
  for (const d of ["target/surefire-reports", "reports", "coverage", "py"]) mkdirSync(join(ws, d), { recursive: true });
  copyFileSync(fixture("surefire.xml"), join(ws, "target/surefire-reports/TEST-com.acme.calc.CalculatorTest.xml"));
  copyFileSync(fixture("jest-junit.xml"), join(ws, "reports/junit.xml"));
  copyFileSync(fixture("coverage-py-cobertura.xml"), join(ws, "py/coverage.xml"));
  return ws;
}

describe("collectReports", () => {
  it("parses every matched report and makes coverage paths repository-relative", async () => {
    const ws = workspace();
    writeFileSync(join(ws, "coverage/lcov.info"), `SF:${join(ws, "src/app.ts")}\nDA:1,1\nDA:2,0\nend_of_record\n`);
    const out = await collectReports(ws, {
      junit: ["target/surefire-reports/TEST-*.xml", "reports/*.xml"],
      coverage: ["coverage/lcov.info", "py/coverage.xml"],
    });
    expect(out.problems).toEqual([]);
    expect(out.cases).toHaveLength(8);
    expect(out.cases.filter((c) => c.file === "src/parser.test.js")).toHaveLength(2);
    expect(out.coverage.map((f) => f.file)).toEqual([
      "src/app.ts",
      "calc/__init__.py",
      "calc/ops.py",
      "calc/cli/main.py",
    ]);
  });

  it("turns each bad file or pattern into a problem and keeps the rest", async () => {
    const ws = workspace();
    const outside = mkdtempSync(join(tmpdir(), "pitcrew-outside-"));
    writeFileSync(join(outside, "passwd.xml"), "<testsuite><testcase name='root:x:0:0'/></testsuite>");
    symlinkSync(join(outside, "passwd.xml"), join(ws, "reports/leak.xml"));
    writeFileSync(join(ws, "reports/garbage.xml"), "Tests run: 3, Failures: 0");
    writeFileSync(join(ws, "reports/xxe.xml"), '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><testsuite/>');
    const row = '<testcase classname="big.Suite" name="case" time="0.001"/>\n';
    writeFileSync(join(ws, "reports/huge.xml"), `<testsuite>${row.repeat(Math.ceil(50e6 / row.length))}</testsuite>`);
    writeFileSync(join(ws, "coverage/lcov.info"), "\u0000\u0001binary");

    const out = await collectReports(ws, {
      junit: ["reports/*.xml", "../outside/*.xml", "/etc/*.xml", "missing/*.xml"],
      coverage: ["coverage/*", "py/coverage.xml"],
    });
    expect(out.problems).toEqual([
      "JUnit pattern '../outside/*.xml' contains a '..' segment; patterns must stay inside the workspace",
      "JUnit pattern '/etc/*.xml' is absolute; patterns must stay inside the workspace",
      "JUnit pattern 'missing/*.xml' matched no files",
      "JUnit report 'reports/leak.xml' was skipped: symlink points outside the workspace",
      expect.stringMatching(/^JUnit report 'reports\/huge.xml' is \d+ bytes, over the limit of 33554432 bytes$/),
      expect.stringMatching(
        /^JUnit report 'reports\/garbage.xml' is not well-formed XML \(line 1: .*\), expected JUnit XML/,
      ),
      expect.stringMatching(/^JUnit report 'reports\/xxe.xml' declares XML entities/),
      "coverage report 'coverage/lcov.info' is binary data, expected an lcov tracefile or Cobertura XML",
    ]);
    expect(out.cases.map((c) => c.name)).toEqual([
      "sum adds 1 + 2 to equal 3",
      "sum handles bigints",
      "parser reads numbers",
      "parser rejects junk",
    ]);
    expect(out.coverage).toHaveLength(3);
    rmSync(ws, { recursive: true });
  });

  it("collects nothing, without problems, when no reports are declared", async () => {
    expect(await collectReports(workspace(), { junit: [], coverage: [] })).toEqual({
      cases: [],
      coverage: [],
      problems: [],
    });
  });
});
