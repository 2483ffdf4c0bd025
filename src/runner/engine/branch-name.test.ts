import { describe, expect, it } from "vitest";
import { assertBranchName } from "./branch-name.js";

describe("assertBranchName", () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell-injection attempt
  it.each(["main", "release/1.2", "feature/x-y_z", "$(touch${IFS}x)", "héllo"])("accepts %s", (b) => {
    expect(assertBranchName(b)).toBe(b);
  });
  it.each([
    "",
    "a b",
    "$(touch /tmp/x)",
    "a..b",
    "-x",
    "a/",
    "/a",
    "a.lock",
    "x/.y",
    "a~1",
    "a:b",
    "a\\b",
    "a@{1}",
    "a\nb",
  ])("rejects %j", (b) => {
    expect(() => assertBranchName(b)).toThrow(/invalid branch name/);
  });
});
