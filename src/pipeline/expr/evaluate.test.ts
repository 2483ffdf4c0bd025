import { describe, expect, it } from "vitest";
import { type ConditionContext, evaluateCondition } from "./evaluate.js";

const ctx: ConditionContext = {
  event: "push",
  branch: "release/1.2",
  commit: "abc123",
  baseBranch: "main",
  matrix: { node: "20", os: "linux" },
  inputs: { level: "2" },
  env: { DEPLOY: "true", EMPTY: "" },
  needs: { lint: { status: "success" }, test: { status: "failure" } },
  state: "success",
};

describe("evaluateCondition", () => {
  it.each([
    ["branch == 'release/1.2'", true],
    ["branch != 'main'", true],
    ["event == 'push' && base_branch == 'main'", true],
    ["needs.lint.status == 'success'", true],
    ["needs.test.status == 'success'", false],
    ["needs.absent.status == ''", true],
    ["matrix.node == 20", true],
    ["matrix.node >= 18 && matrix.node < 22", true],
    ["matrix.node > '3'", true],
    ["inputs.level == '2'", true],
    ["inputs.missing", false],
    ["env.DEPLOY == 'true'", true],
    ["env.EMPTY", false],
    ["!env.EMPTY", true],
    ["'b' > 'a'", true],
    ["1 == 1.0", true],
    ["'abc' == 'ABC'", false],
    ["null == null", true],
    ["null == ''", false],
    ["0", false],
    ["'x'", true],
    ["contains(commit, 'c12')", true],
    ["startsWith(branch, 'release/')", true],
    ["endsWith(branch, '.2')", true],
    ["matches(branch, 'release/*')", true],
    ["matches(branch, 'main')", false],
    ["false || true && false", false],
    ["(false || true) && true", true],
    ["success()", true],
    ["failure()", false],
    ["always()", true],
    ["cancelled()", false],
  ])("%s → %s", (src, expected) => {
    expect(evaluateCondition(src, ctx)).toBe(expected);
  });

  it("status functions follow the aggregate state", () => {
    const failed = { ...ctx, state: "failure" as const };
    expect(evaluateCondition("failure()", failed)).toBe(true);
    expect(evaluateCondition("success()", failed)).toBe(false);
    expect(evaluateCondition("always()", failed)).toBe(true);
    expect(evaluateCondition("cancelled()", { ...ctx, state: "cancelled" })).toBe(true);
  });

  it("treats prototype keys as absent, not as inherited properties", () => {
    expect(evaluateCondition("env.constructor == ''", ctx)).toBe(true);
    expect(evaluateCondition("needs.toString.status == ''", ctx)).toBe(true);
  });

  it("throws a positioned error on syntax errors", () => {
    expect(() => evaluateCondition("branch = 'x'", ctx)).toThrow(
      expect.objectContaining({ name: "ExpressionError", column: 8 }),
    );
  });
});
