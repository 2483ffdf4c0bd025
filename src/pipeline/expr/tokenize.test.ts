import { describe, expect, it } from "vitest";
import { tokenize } from "./tokenize.js";

describe("tokenize", () => {
  it("splits operators, names, strings and numbers with offsets", () => {
    const tokens = tokenize(`needs.a-b.status != 'it''s' && x<=-1.5`);
    expect(tokens.map((t) => [t.type, t.value, t.start])).toEqual([
      ["ident", "needs", 0],
      ["op", ".", 5],
      ["ident", "a-b", 6],
      ["op", ".", 9],
      ["ident", "status", 10],
      ["op", "!=", 17],
      ["string", "it's", 20],
      ["op", "&&", 28],
      ["ident", "x", 31],
      ["op", "<=", 32],
      ["number", -1.5, 34],
      ["eof", "", 38],
    ]);
  });

  it("reads double-quoted strings with backslash escapes", () => {
    expect(tokenize(String.raw`"say \"hi\""`)[0]).toEqual({ type: "string", value: 'say "hi"', start: 0 });
  });

  it.each([
    ["branch = 'main'", 7, "use '=='"],
    ["a & b", 2, "use '&&'"],
    ["'open", 0, "unterminated string"],
    ["a ~ b", 2, "unexpected character '~'"],
  ])("rejects %j at offset %i", (src, offset, message) => {
    expect(() => tokenize(src)).toThrow(expect.objectContaining({ offset, message: expect.stringContaining(message) }));
  });
});
