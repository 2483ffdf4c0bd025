// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are pipeline text with ${{ }} references
import { describe, expect, it } from "vitest";
import { scalarPosition } from "./scalar-position.js";

describe("scalarPosition", () => {
  it("plain scalars: the column moves by the offset", () => {
    const text = "if: branch = 'x'";
    expect(scalarPosition(text, { line: 1, column: 5 }, 7)).toEqual({ line: 1, column: 12 });
  });

  it("quoted scalars: skips the opening quote", () => {
    const text = `if: "branch = 'x'"`;
    expect(scalarPosition(text, { line: 1, column: 5 }, 7)).toEqual({ line: 1, column: 13 });
  });

  it("block scalars: follows the lines of the block", () => {
    const text = ["run: |", "  echo one", "  echo ${{ x }}", "next: 1"].join("\n");
    const value = "echo one\necho ${{ x }}\n";
    const offset = value.indexOf("${{");
    expect(scalarPosition(text, { line: 1, column: 6 }, offset)).toEqual({ line: 3, column: 8 });
  });

  it("folded block scalars map line by line too", () => {
    const text = ["run: >-", "    node", "    --flag ${{ x }}"].join("\n");
    const value = "node --flag ${{ x }}";
    expect(scalarPosition(text, { line: 1, column: 6 }, value.indexOf("${{"))).toEqual({ line: 3, column: 12 });
  });
});
