import { describe, expect, it } from "vitest";
import { parsePromql } from "./parse-promql.js";
import { escapePromqlString } from "./promql-string.js";

describe("escapePromqlString", () => {
  it("escapes backslash, both quotes, newline, CR and tab", () => {
    expect(escapePromqlString(`a"b'c\\d\ne\rf\tg`)).toBe(`a\\"b\\'c\\\\d\\ne\\rf\\tg`);
  });

  it("keeps a hostile value inside its label matcher", () => {
    const value = 'x"} or vector(1) # \\\n';
    const ast = parsePromql(`up{job="${escapePromqlString(value)}"}`);
    expect(ast).toEqual({
      kind: "vector",
      matchers: [
        { name: "__name__", op: "=", value: "up" },
        { name: "job", op: "=", value },
      ],
      offsetMs: 0,
    });
  });
});
