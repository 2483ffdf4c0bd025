import { describe, expect, it } from "vitest";
import { failureSignature } from "./failure-signature.js";

const line = (text: string, signals: string[] = []) => ({ text, evidence: { signals } });

describe("failureSignature", () => {
  it("is the same for the same failure with other numbers, paths and ids", () => {
    const a = failureSignature("test", [
      line("step 'npm test' failed: exit code 1", ["exit-code"]),
      line("TypeError: Cannot read properties of undefined (reading 'id') at /home/ci/w1/src/a.js:12:7", [
        "error-statement",
      ]),
    ]);
    const b = failureSignature("test", [
      line("TypeError: Cannot read properties of undefined (reading 'id') at /tmp/run-99/src/a.js:40:3", [
        "error-statement",
      ]),
      line("step 'npm test' failed: exit code 1", ["exit-code"]),
    ]);
    expect(a.key).toBe(b.key);
    expect(a.template).toContain("TypeError: Cannot read properties of undefined");
    expect(a.template).not.toContain("/home/ci");
  });

  it("differs by class and by failure; falls back to the best line, or to none", () => {
    const lines = [line("error TS2322: Type string is not assignable", ["tsc-diagnostic"])];
    expect(failureSignature("compile", lines).key).not.toBe(failureSignature("lint", lines).key);
    expect(failureSignature("compile", lines).key).not.toBe(
      failureSignature("compile", [line("error TS2345: Argument of type", ["tsc-diagnostic"])]).key,
    );
    expect(failureSignature("unknown", [line("killed")]).template).toBe("killed");
    expect(failureSignature("unknown", []).template).toBe("");
  });
});
