import { describe, expect, it } from "vitest";
import { findTrace } from "../stacktrace/detect.js";
import { isSubjectFrame, testSubject } from "./test-subject.js";

const javaTest = (testFrame: string) =>
  findTrace(
    ["java.lang.IllegalStateException: x", "\tat org.acme.Parser.parse(Parser.java:4)", `\tat ${testFrame}`].join("\n"),
    { app: ["org.acme"] },
  ).trace;

describe("testSubject", () => {
  it("reads the subject from JUnit naming conventions, with its file by package", () => {
    expect(
      testSubject([javaTest("org.acme.io.TarArchiveInputStreamTest.testRead(TarArchiveInputStreamTest.java:9)")]),
    ).toEqual({
      name: "TarArchiveInputStream",
      test: "TarArchiveInputStreamTest",
      names: [
        "TarArchiveInputStream",
        "TarArchiveInputStreamImpl",
        "AbstractTarArchiveInputStream",
        "BaseTarArchiveInputStream",
        "DefaultTarArchiveInputStream",
      ],
      file: "org/acme/io/TarArchiveInputStream.java",
      module: "org.acme.io.TarArchiveInputStream",
    });
    expect(testSubject([javaTest("org.acme.TestMonthDay_Basics.testSet(TestMonthDay_Basics.java:9)")])?.name).toBe(
      "MonthDay",
    );
    expect(testSubject([javaTest("org.acme.ParserTestCase$1.run(ParserTestCase.java:9)")])?.name).toBe("Parser");
    expect(
      testSubject([javaTest("org.acme.BorderArrangementTests.testSizing(BorderArrangementTests.java:9)")])?.name,
    ).toBe("BorderArrangement");
  });

  it("reads Go and Python test files; none without a test frame or a conventional name", () => {
    const go = findTrace(
      [
        "panic: boom",
        "",
        "goroutine 7 [running]:",
        "github.com/acme/shop/cart.(*Cart).Total(...)",
        "\t/src/cart/cart.go:12 +0x1d",
        "github.com/acme/shop/cart.TestTotal(0xc0000a2000)",
        "\t/src/cart/cart_test.go:9 +0x25",
      ].join("\n"),
    ).trace;
    expect(testSubject([go])).toMatchObject({ name: "cart", file: "/src/cart/cart.go" });
    const py = findTrace(
      [
        "Traceback (most recent call last):",
        '  File "/app/tests/test_cart.py", line 9, in test_total',
        "    total(None)",
        '  File "/app/shop/cart.py", line 12, in total',
        "    raise ValueError('no items')",
        "ValueError: no items",
      ].join("\n"),
    ).trace;
    const subject = testSubject([py])!;
    expect(subject).toMatchObject({ name: "cart", test: "test_cart" });
    expect(subject.file).toBeUndefined();
    expect(isSubjectFrame(py.frames[0]!, subject)).toBe(true);
    expect(testSubject([javaTest("org.acme.Checks.run(Checks.java:9)")])).toBeUndefined();
  });
});
