import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { execLine } from "./shell-quote.js";

describe("execLine", () => {
  it("passes every word to the program unchanged, whatever it contains", () => {
    const words = ["a b", "it's", "$(touch /tmp/pwned)", "`id`", "; rm -rf /", '"q"', "*", "-n", "é\\n", ""];
    const out = execFileSync("bash", ["-c", execLine(["printf", "%s\\0", ...words])], { encoding: "utf8" });
    expect(out.split("\0").slice(0, -1)).toEqual(words);
  });
});
