import { describe, expect, it } from "vitest";
import { maskToken, maskTokens, tokenize } from "./mask.js";

describe("maskToken", () => {
  it.each([
    ["10.251.73.220:50010", "<*>"],
    ["/10.10.34.11:3888", "/<*>"],
    ["blk_-6952295868487656571", "blk_<*>"],
    ["uid=10037,", "uid=<*>,"],
    ["0x7fed806eb5d", "<*>"],
    ["@0xff83e97c", "@<*>"],
    ["3.14", "<*>"],
    ["-42", "<*>"],
    ["18:01:47,978", "<*>"],
    ["2016-09-28", "<*>"],
    ["6005-08b4-0001-00c6-0006-3000-003d-0000", "<*>"],
    ["550e8400-e29b-41d4-a716-446655440000", "<*>"],
    ["de9231d", "<*>"],
    ["fe80::1ff:fe23:4567:890a", "<*>"],
    ["https://example.com/a?b=1", "<*>"],
    ["/usr/lib/libc.so.6", "<*>"],
    ["C:\\Windows\\winsxs\\cbscore.dll", "<*>"],
    ["ns.marryaldkfaczcz.com", "<*>"],
    ["org.apache.hadoop.mapreduce.Job:", "<*>:"],
    ["appattempt_1445144423722_0020_000001", "appattempt_<*>_<*>_<*>"],
    ["node-246", "node-<*>"],
  ])("masks %s as %s", (token, masked) => {
    expect(maskToken(token)).toBe(masked);
  });

  it.each([
    "PacketResponder",
    "terminating",
    "utf8",
    "1st",
    "64bit",
    "R02-M1-N0-C:J12-U11",
    "a1",
    "and/or",
    "file.txt",
    "Ignoring.",
  ])("keeps %s", (token) => {
    expect(maskToken(token)).toBe(token);
  });
});

describe("maskTokens", () => {
  it("masks day and month names next to masked numbers only", () => {
    expect(maskTokens(tokenize("connection from 1.2.3.4 at Sat Jun 18 02:08:10 2005"))).toEqual([
      "connection",
      "from",
      "<*>",
      "at",
      "<*>",
      "<*>",
      "<*>",
      "<*>",
      "<*>",
    ]);
    expect(maskTokens(["You", "May", "retry"])).toEqual(["You", "May", "retry"]);
  });
});

describe("tokenize", () => {
  it("splits on runs of whitespace and ignores the ends", () => {
    expect(tokenize("  a \t b  c ")).toEqual(["a", "b", "c"]);
    expect(tokenize("   ")).toEqual([]);
  });
});
