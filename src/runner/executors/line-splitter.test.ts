import { describe, expect, it } from "vitest";
import { createLineSplitter } from "./line-splitter.js";

const split = (chunks: Buffer[], max?: number) => {
  const lines: string[] = [];
  const s = createLineSplitter((l) => lines.push(l), max);
  for (const c of chunks) s.write(c);
  s.end();
  return lines;
};

describe("createLineSplitter", () => {
  it("splits on newlines, strips a trailing CR and flushes the partial last line", () => {
    expect(split([Buffer.from("a\r\nb\n\nc")])).toEqual(["a", "b", "", "c"]);
    expect(split([Buffer.from("a\n")])).toEqual(["a"]);
    expect(split([])).toEqual([]);
  });

  it("joins lines spread over many chunks", () => {
    expect(split([Buffer.from("he"), Buffer.from("llo\nwor"), Buffer.from("ld\n")])).toEqual(["hello", "world"]);
  });

  it("decodes multi-byte UTF-8 characters cut between chunks", () => {
    const bytes = Buffer.from("é€😀\n");
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(split(chunks)).toEqual(["é€😀"]);
  });

  it("replaces invalid bytes instead of failing", () => {
    expect(split([Buffer.from([0x61, 0xff, 0x62, 0x0a, 0xe2, 0x82])])).toEqual(["a\uFFFDb", "\uFFFD"]);
  });

  it("delivers an overlong line in bounded pieces without losing characters", () => {
    const line = "x".repeat(25);
    const pieces = split([Buffer.from(line.slice(0, 7)), Buffer.from(`${line.slice(7)}\nnext\n`)], 10);
    expect(pieces).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5), "next"]);
    expect(split([Buffer.from(`${"y".repeat(21)}\n`)], 10)).toEqual(["y".repeat(10), "y".repeat(10), "y"]);
  });

  it("never cuts a surrogate pair in half", () => {
    const pieces = split([Buffer.from(`${"a".repeat(9)}😀b\n`)], 10);
    expect(pieces).toEqual(["a".repeat(9), "😀b"]);
  });
});
