import { describe, expect, it } from "vitest";
import { CsvRowError, parseTimestamp, readSeriesRows } from "./csv.js";

const collect = async (lines: string[]) => {
  const out = [];
  for await (const row of readSeriesRows(lines)) out.push(row);
  return out;
};

describe("parseTimestamp", () => {
  it("reads ISO-8601, NAB's format and epoch seconds or ms", () => {
    const t = Date.UTC(2014, 6, 1, 0, 30);
    expect(parseTimestamp("2014-07-01T00:30:00Z")).toBe(t);
    expect(parseTimestamp("2014-07-01T02:30:00+02:00")).toBe(t);
    expect(parseTimestamp("2014-07-01 00:30:00")).toBe(t);
    expect(parseTimestamp('"2014-07-01 00:30:00"')).toBe(t);
    expect(parseTimestamp(String(t / 1000))).toBe(t);
    expect(parseTimestamp(String(t))).toBe(t);
    expect(parseTimestamp("2014-07-01")).toBe(Date.UTC(2014, 6, 1));
    expect(parseTimestamp("yesterday")).toBeNaN();
    expect(parseTimestamp("-5")).toBeNaN();
  });
});

describe("readSeriesRows", () => {
  it("skips a header and blank lines and keeps line numbers", async () => {
    const rows = await collect(["timestamp,value", "2014-07-01 00:00:00,1.5", "", "2014-07-01 00:05:00,-2e3"]);
    expect(rows).toEqual([
      { line: 2, timestampMs: Date.UTC(2014, 6, 1), value: 1.5, backwards: false },
      { line: 4, timestampMs: Date.UTC(2014, 6, 1, 0, 5), value: -2000, backwards: false },
    ]);
  });

  it.each([
    [["1,2", "3,abc"], "line 2: value 'abc' is not a finite number"],
    [["1,2", "3,Infinity"], "line 2: value 'Infinity' is not a finite number"],
    [["1,2", "3,"], "line 2: value '' is not a finite number"],
    [["1,2", "soon,3"], "line 2: bad timestamp 'soon'"],
    [["1,2,3"], "line 1: expected 2 columns (timestamp,value), found 3"],
  ])("rejects %j with %s", async (lines, message) => {
    const err = await collect(lines).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvRowError);
    expect((err as Error).message).toBe(message);
  });
});

describe("readSeriesRows with clock steps", () => {
  it("keeps rows that go back in time, marked, in file order", async () => {
    const rows = [];
    for await (const r of readSeriesRows(["2014-01-07 02:55:00,1", "2014-01-07 02:00:00,2", "2014-01-07 02:05:00,3"]))
      rows.push(r);
    expect(rows.map((r) => [r.line, r.value, r.backwards])).toEqual([
      [1, 1, false],
      [2, 2, true],
      [3, 3, false],
    ]);
  });
});
