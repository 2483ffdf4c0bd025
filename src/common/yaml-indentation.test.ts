import { describe, expect, it } from "vitest";
import { findBadIndentation } from "./yaml-indentation.js";

const text = (...lines: string[]) => `${lines.join("\n")}\n`;

describe("findBadIndentation", () => {
  it("finds a list item between two block columns", () => {
    const bad = findBadIndentation(text("jobs:", "  a:", "    steps:", "      - run: x", "     - run: y"));
    expect(bad).toEqual({ line: 5, column: 6, expected: [5, 7] });
  });

  it("finds a key indented under a key that opens no block", () => {
    const bad = findBadIndentation(text("jobs:", "  a:", "    runs-on: linux", "      steps:", "      - run: x"));
    expect(bad).toEqual({ line: 4, column: 7, expected: [5] });
  });

  it("accepts block scalars, flow collections, comments and compact lists", () => {
    const ok = text(
      "jobs:",
      "  a:",
      "    env: { A: 1,",
      "  B: 2 }",
      "    steps:",
      "    - run: |",
      "        echo a",
      "          echo b",
      "  # a comment anywhere",
      "      name: x",
      "    - run: >-",
      "       folded",
      "  b:",
      "    needs: [a] # trailing comment:",
      "    steps: [{ run: x }]",
    );
    expect(findBadIndentation(ok)).toBeUndefined();
  });
});
