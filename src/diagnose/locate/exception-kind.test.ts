import { describe, expect, it } from "vitest";
import { findTrace } from "../stacktrace/detect.js";
import { exceptionKind } from "./exception-kind.js";

const java = (header: string, ...frames: string[]) =>
  findTrace([header, ...frames.map((f) => `\tat ${f}`)].join("\n"), { app: ["org.acme"] }).trace;

describe("exceptionKind", () => {
  it("a null dereference, bad cast or index raised in app code is a fault", () => {
    expect(exceptionKind(java("java.lang.NullPointerException", "org.acme.Cart.total(Cart.java:12)"))).toBe("fault");
    expect(
      exceptionKind(
        java(
          'java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null',
          "org.acme.Cart.total(Cart.java:12)",
        ),
      ),
    ).toBe("fault");
    expect(exceptionKind(java("java.lang.ClassCastException: x", "org.acme.Cart.total(Cart.java:12)"))).toBe("fault");
  });

  it("a fault type raised inside a library, or thrown on purpose with a message, is a check", () => {
    expect(
      exceptionKind(
        java(
          "java.lang.StringIndexOutOfBoundsException: String index out of range: 3",
          "java.lang.String.charAt(String.java:658)",
          "org.acme.Cart.total(Cart.java:12)",
        ),
      ),
    ).toBe("check");
    expect(
      exceptionKind(
        java("java.lang.NullPointerException: call setComparator() first", "org.acme.Sort.least(Sort.java:3)"),
      ),
    ).toBe("check");
    expect(exceptionKind(java("java.lang.IllegalArgumentException: bad", "org.acme.Range.<init>(Range.java:3)"))).toBe(
      "check",
    );
  });

  it("a counter that ran out is a limit; Go runtime errors are faults; Python TypeError is a fault", () => {
    expect(
      exceptionKind(
        java(
          "org.acme.TooManyEvaluationsException: maximal count (100) exceeded",
          "org.acme.Solver.incrementEvaluationCount(Solver.java:3)",
        ),
      ),
    ).toBe("limit");
    const go = findTrace(
      [
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "",
        "goroutine 1 [running]:",
        "main.total(...)",
        "\t/app/cart.go:12 +0x1d",
        "main.main()",
        "\t/app/main.go:5 +0x25",
      ].join("\n"),
    ).trace;
    expect(exceptionKind(go)).toBe("fault");
    const python = findTrace(
      [
        "Traceback (most recent call last):",
        '  File "/app/shop/cart.py", line 12, in total',
        "    return sum(i.price for i in items)",
        "TypeError: 'NoneType' object is not iterable",
      ].join("\n"),
    ).trace;
    expect(exceptionKind(python)).toBe("fault");
  });
});
