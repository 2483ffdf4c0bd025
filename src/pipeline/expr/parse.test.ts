import { describe, expect, it } from "vitest";
import type { Expr } from "./ast.js";
import { parseExpression } from "./parse.js";

/** Renders an AST fully parenthesised, to make precedence visible. */
function show(e: Expr): string {
  switch (e.kind) {
    case "literal":
      return JSON.stringify(e.value);
    case "ref":
      return e.path.join(".");
    case "not":
      return `!${show(e.operand)}`;
    case "binary":
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case "call":
      return `${e.name}(${e.args.map(show).join(", ")})`;
  }
}

function ast(src: string): string {
  const r = parseExpression(src);
  if (r.error) throw r.error;
  return show(r.expr);
}

describe("parseExpression", () => {
  it.each([
    ["a || b && c", "(env.a || (env.b && env.c))"],
    ["a && b || c", "((env.a && env.b) || env.c)"],
    ["a == b && c != d", "((env.a == env.b) && (env.c != env.d))"],
    ["a < b == c >= d", "((env.a < env.b) == (env.c >= env.d))"],
    ["!a == b", "(!env.a == env.b)"],
    ["!(a == b)", "!(env.a == env.b)"],
    ["(a || b) && c", "((env.a || env.b) && env.c)"],
    ["a || b || c", "((env.a || env.b) || env.c)"],
  ])("precedence: %s", (src, expected) => {
    const withEnv = src.replace(/\b([abcd])\b/g, "env.$1");
    expect(ast(withEnv)).toBe(expected);
  });

  it("parses literals, references and calls", () => {
    expect(ast(`branch == 'main' && needs.lint.status == "success"`)).toBe(
      `((branch == "main") && (needs.lint.status == "success"))`,
    );
    expect(ast("startsWith(branch, 'release/') || matches(base_branch, 'v*')")).toBe(
      `(startsWith(branch, "release/") || matches(base_branch, "v*"))`,
    );
    expect(ast("matrix.node >= 20 && inputs.deploy == true && commit != null")).toBe(
      `(((matrix.node >= 20) && (inputs.deploy == true)) && (commit != null))`,
    );
    expect(ast("always()")).toBe("always()");
  });

  it.each([
    ["", 0, "empty expression"],
    ["branch ==", 9, "expected a value"],
    ["(branch == 'main'", 17, "expected ')'"],
    ["branch 'main'", 7, "after the end"],
    ["nope == 1", 0, "unknown variable 'nope'"],
    ["branch.x", 0, "'branch' has no properties"],
    ["matrix", 0, "expected 'matrix.<name>'"],
    ["needs.lint", 0, "expected 'needs.<job>.status'"],
    ["needs.lint.result == 'x'", 0, "expected 'needs.<job>.status'"],
    ["success() && foo()", 13, "unknown function 'foo'"],
    ["contains(branch)", 0, "takes 2 argument(s), got 1"],
    ["success(1)", 0, "takes 0 argument(s), got 1"],
    ["matrix.", 7, "expected a name after '.'"],
    ["a == = b", 5, "'=='"],
  ])("error in %j at column %i", (src, offset, message) => {
    const r = parseExpression(src);
    expect(r.error?.message).toContain(message);
    expect(r.error?.offset).toBe(offset);
    expect(r.error?.column).toBe(offset + 1);
  });
});
