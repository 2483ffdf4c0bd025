import { describe, expect, it } from "vitest";
import { lineSignals } from "./signals.js";

/** The class a line points to most strongly. */
const classOf = (text: string) =>
  Object.entries(lineSignals(text).categories).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))[0]?.[0];

describe("lineSignals", () => {
  it.each([
    ["src/app.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.", "compile"],
    ["main.c:3:10: fatal error: missing.h: No such file or directory", "compile"],
    ["[ERROR] /src/main/java/App.java:[27,12] cannot find symbol", "compile"],
    ["error[E0308]: mismatched types", "compile"],
    ["--- FAIL: TestSeparator (0.03s)", "test"],
    ["E       assert 1 == 2", "test"],
    ["FAILED tests/test_app.py::test_add - assert 1 == 2", "test"],
    ["  ● sum › adds numbers", "test"],
    ["Tests run: 12, Failures: 2, Errors: 0, Skipped: 0", "test"],
    ["npm ERR! code ETARGET", "dependency"],
    ["ModuleNotFoundError: No module named 'requests'", "dependency"],
    ["curl: (6) Could not resolve host: example.org", "infrastructure"],
    ["write /tmp/x: no space left on device", "infrastructure"],
    ["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory", "oom"],
    ["Error: The operation was canceled because it timed out after 10 minutes", "timeout"],
    ["✖ 3 problems (3 errors, 0 warnings)", "lint"],
    ["bash: line 1: jestt: command not found", "config"],
  ])("%s → %s", (line, want) => {
    expect(classOf(line)).toBe(want);
  });

  it("gives a specific diagnosis more weight than a generic error, and that more than an exit code", () => {
    const tsc = lineSignals("src/a.ts(1,1): error TS2304: Cannot find name 'x'.").weight;
    const generic = lineSignals("Error: something went wrong").weight;
    const exit = lineSignals("##[error]Process completed with exit code 2.").weight;
    expect(tsc).toBeGreaterThan(generic);
    expect(generic).toBeGreaterThan(exit);
    expect(exit).toBeGreaterThan(0);
  });

  it("halves lines that report the absence of failures and ignores plain output", () => {
    expect(lineSignals("Tests run: 5, Failures: 0, Errors: 0").weight).toBeLessThan(1);
    expect(lineSignals("added 120 packages in 3s")).toMatchObject({ weight: 0, rules: [] });
    expect(lineSignals("Password prompt timeout: 0.0 minutes").categories.timeout).toBeUndefined();
  });
});
