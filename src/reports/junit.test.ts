import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TooLargeError, ValidationError } from "../common/errors.js";
import { parseJUnit, parseSeconds } from "./junit.js";
import { clampedNote, MAX_TEST_DURATION_MS } from "./test-duration.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

describe("parseJUnit on real report shapes", () => {
  it("reads Surefire (bare <testsuite> root, error/failure/skipped, thousands separators)", () => {
    const { cases } = parseJUnit(fixture("surefire.xml"));
    expect(cases.map((c) => [c.name, c.status, c.durationMs])).toEqual([
      ["addsTwoNumbers", "passed", 12],
      ["dividesByZero", "error", 3],
      ["subtracts", "failed", 1_200_250],
      ["multipliesLater", "skipped", 0],
    ]);
    const div = cases[1]!;
    expect(div.suite).toBe("com.acme.calc.CalculatorTest");
    expect(div.classname).toBe("com.acme.calc.CalculatorTest");
    expect(div.message).toBe("/ by zero");
    expect(div.details).toContain("at com.acme.calc.Calculator.divide(Calculator.java:21)");
    expect(div.details).not.toContain("dividing 1 by 0");
    expect(cases[2]!.message).toBe("expected: <2> but was: <3>");
    expect(cases[3]!.message).toBe("not implemented yet");
    expect(cases[0]!.message).toBeUndefined();
  });

  it("reads pytest (file attributes, setup errors, skips with text)", () => {
    const { cases } = parseJUnit(fixture("pytest.xml"));
    expect(cases).toHaveLength(5);
    expect(cases.every((c) => c.suite === "pytest")).toBe(true);
    expect(cases[0]).toEqual({
      suite: "pytest",
      classname: "tests.test_calc",
      name: "test_add",
      file: "tests/test_calc.py",
      status: "passed",
      durationMs: 1,
    });
    expect(cases[1]!.details).toContain(">       assert div(1, 2) == 2");
    expect(cases[2]).toMatchObject({ status: "skipped", message: "only on windows" });
    expect(cases[3]).toMatchObject({ status: "error", file: "tests/test_db.py" });
    expect(cases[3]!.message).toBe('failed on setup with "ConnectionRefusedError: [Errno 111] Connection refused"');
    expect(cases[4]).toMatchObject({ status: "passed", durationMs: 399 });
  });

  it("reads jest-junit (failure without a message attribute: first line becomes the message)", () => {
    const { cases } = parseJUnit(fixture("jest-junit.xml"));
    expect(cases.map((c) => `${c.suite}/${c.status}`)).toEqual([
      "sum/passed",
      "sum/skipped",
      "parser/passed",
      "parser/failed",
    ]);
    expect(cases[3]!.message).toBe("Error: expect(received).toThrow()");
    expect(cases[3]!.details).toContain("parser.test.js:14:32");
    expect(cases[3]!.file).toBe("src/parser.test.js");
  });

  it("reads go-junit-report (CDATA details keep their indentation)", () => {
    const { cases } = parseJUnit(fixture("go-junit-report.xml"));
    expect(cases).toHaveLength(4);
    expect(cases[1]).toMatchObject({ name: "TestDiv", status: "failed", message: "Failed", durationMs: 10 });
    expect(cases[1]!.details).toBe("    calc_test.go:20: expected 2, got 3");
    expect(cases[3]).toMatchObject({ suite: "github.com/acme/calc/internal/parse", name: "TestParse/empty_input" });
  });

  it("walks nested suites, inheriting the file of the enclosing suite", () => {
    const xml = `<testsuites><testsuite name="outer" file="spec/a.rb"><testcase name="top" time="0,25"/>
      <testsuite name="inner"><testcase name="deep" classname="A::B"><failure message="nope"/></testcase></testsuite>
    </testsuite></testsuites>`;
    const { cases } = parseJUnit(xml);
    expect(cases).toEqual([
      { suite: "outer", classname: "", name: "top", file: "spec/a.rb", status: "passed", durationMs: 250 },
      {
        suite: "inner",
        classname: "A::B",
        name: "deep",
        file: "spec/a.rb",
        status: "failed",
        durationMs: 0,
        message: "nope",
      },
    ]);
  });

  it("accepts an empty <testsuites/> and UTF-16 with a BOM", () => {
    expect(parseJUnit("<testsuites/>").cases).toEqual([]);
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('<testsuite name="s"><testcase name="ü"/></testsuite>', "utf16le"),
    ]);
    expect(parseJUnit(utf16).cases[0]!.name).toBe("ü");
  });

  it("caps long messages and details", () => {
    const long = "x".repeat(20_000);
    const { cases } = parseJUnit(
      `<testsuite><testcase name="t"><failure message="${long}">${long}</failure></testcase></testsuite>`,
    );
    expect(cases[0]!.message!.length).toBeLessThan(8300);
    expect(cases[0]!.details).toMatch(/truncated 11808 characters\]$/);
  });
});

describe("parseJUnit refuses hostile and wrong input", () => {
  it("refuses external entities (XXE) and never fetches anything", async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end('<!ENTITY x "pwned">');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const xml of [
        `<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuite><testcase name="&xxe;"/></testsuite>`,
        `<!DOCTYPE t [<!ENTITY % remote SYSTEM "${url}/evil.dtd"> %remote;]><testsuite/>`,
      ]) {
        const err = thrown(() => parseJUnit(xml, { file: "junit.xml" }));
        expect(err).toBeInstanceOf(ValidationError);
        expect(err.message).toMatch(/junit\.xml' declares XML entities in a DOCTYPE/);
      }
      // A DOCTYPE naming an external DTD but declaring nothing is harmless: parsed, not fetched.
      const ok = parseJUnit(
        `<!DOCTYPE testsuite SYSTEM "${url}/junit.dtd"><testsuite><testcase name="a"/></testsuite>`,
      );
      expect(ok.cases).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 50));
      expect(hits).toBe(0);
    } finally {
      server.close();
    }
  });

  it("refuses internal entity expansion (billion laughs) quickly", () => {
    const lol = [`<!ENTITY lol "lol">`];
    for (let i = 1; i < 10; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? "" : i - 1};`.repeat(10)}">`);
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [${lol.join("")}]><testsuite><testcase name="&lol9;"/></testsuite>`;
    const started = performance.now();
    expect(() => parseJUnit(xml)).toThrow(/declares XML entities/);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it("ignores entity-like text inside comments and CDATA", () => {
    const xml = `<!-- <!ENTITY a "b"> --><testsuite><testcase name="t"><failure><![CDATA[<!ENTITY x "y">]]></failure></testcase></testsuite>`;
    expect(parseJUnit(xml).cases[0]!.details).toBe('<!ENTITY x "y">');
  });

  it("rejects a generated 50 MB report quickly, before reading it as XML", () => {
    const path = join(tmpdir(), `pitcrew-big-${process.pid}.xml`);
    const row = '<testcase classname="big.Suite" name="case" time="0.001"/>\n';
    writeFileSync(path, `<testsuite>${row.repeat(Math.ceil(50e6 / row.length))}</testsuite>`);
    const data = readFileSync(path);
    rmSync(path);
    expect(data.length).toBeGreaterThan(50e6);
    let result: unknown;
    const started = performance.now();
    const err = thrown(() => {
      result = parseJUnit(data, { file: "big.xml" });
    });
    expect(performance.now() - started).toBeLessThan(100);
    expect(result).toBeUndefined();
    expect(err).toBeInstanceOf(TooLargeError);
    expect(err.message).toMatch(/JUnit report 'big\.xml' is \d+ bytes, over the limit of 33554432 bytes/);
    expect(() => parseJUnit("<testsuite/>".repeat(10), { maxBytes: 100 })).toThrow(TooLargeError);
  });

  it("says what was expected for garbage, other XML and binary data", () => {
    const cases: [string | Buffer, RegExp][] = [
      ["hello, world", /is not well-formed XML \(line 1: .*\), expected JUnit XML/],
      ["<testsuite><testcase name='a'></testsuite>", /not well-formed XML/],
      ['<coverage line-rate="1"/>', /has a <coverage> root element, expected JUnit XML/],
      ["   \n", /is empty, expected JUnit XML/],
      [Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), randomBytes(512)]), /is binary data, expected JUnit XML/],
    ];
    for (const [input, message] of cases) {
      const err = thrown(() => parseJUnit(input));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toMatch(message);
    }
  });
});

describe("parseSeconds", () => {
  it("reads seconds with dots, commas and junk", () => {
    expect(parseSeconds("1.5")).toBe(1500);
    expect(parseSeconds("1,234.5")).toBe(1_234_500);
    expect(parseSeconds("1,234")).toBe(1_234_000);
    expect(parseSeconds("0,25")).toBe(250);
    expect(parseSeconds(undefined)).toBe(0);
    expect(parseSeconds("")).toBe(0);
    expect(parseSeconds("soon")).toBe(0);
    expect(parseSeconds("-3")).toBe(0);
  });

  it('clamps a duration over a day (a hostile report\'s time="1e9" or 1e400): no stored value overflows', () => {
    expect(parseSeconds("86400")).toBe(MAX_TEST_DURATION_MS);
    expect(parseSeconds("1e9")).toBe(MAX_TEST_DURATION_MS);
    expect(parseSeconds("1e400")).toBe(MAX_TEST_DURATION_MS);
    const xml =
      '<testsuite name="s"><testcase classname="c" name="long" time="1e30"/><testcase classname="c" name="ok" time="2"/></testsuite>';
    const { cases } = parseJUnit(xml);
    expect(cases.map((c) => c.durationMs)).toEqual([MAX_TEST_DURATION_MS, 2000]);
    expect(clampedNote(cases)).toBe(
      `1 test case(s) reported a duration of a day or more: clamped to ${MAX_TEST_DURATION_MS} ms`,
    );
    expect(clampedNote(cases.slice(1))).toBeUndefined();
  });
});
