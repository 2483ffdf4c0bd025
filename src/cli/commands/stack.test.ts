import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { createRepo } from "../../../test/support/git-repo.js";
import { registerStackCommand } from "./stack.js";

const fixtures = new URL("../../../test/fixtures/traces/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "pitcrew-stack-"));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** Runs `pitcrew stack …args` on a fresh program; returns stdout, stderr and the exit code. */
async function stack(...args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  let out = "";
  let err = "";
  const program = new Command("pitcrew")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerStackCommand(program);
  process.exitCode = undefined;
  await program.parseAsync(["stack", ...args], { from: "user" });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { out, err, exitCode };
}

describe("pitcrew stack", () => {
  const stdin = Object.getOwnPropertyDescriptor(process, "stdin")!;
  afterEach(() => {
    Object.defineProperty(process, "stdin", stdin);
  });

  it("prints the JSON contract for a real Defects4J trace with --app: the innermost non-test app frame first", async () => {
    const { out, exitCode } = await stack(
      `${fixtures}real/defects4j/Lang-1.txt`,
      "--app",
      "org.apache.commons.lang3",
      "--json",
    );
    expect(exitCode).toBeUndefined();
    const report = JSON.parse(out);
    expect(report.exception).toEqual({
      type: "java.lang.NumberFormatException",
      message: 'For input string: "80000000"',
    });
    expect(report.frames[0]).toEqual({
      file: "java/lang/NumberFormatException.java",
      line: 65,
      column: null,
      function: "forInputString",
      module: "java.lang.NumberFormatException",
      inApp: false,
    });
    expect(report.frames[4]).toMatchObject({
      file: "org/apache/commons/lang3/math/NumberUtils.java",
      line: 684,
      function: "createInteger",
      inApp: true,
    });
    expect(
      report.suspects.slice(0, 3).map((s: { function: string; line: number }) => `${s.function}:${s.line}`),
    ).toEqual(["createInteger:684", "createNumber:474", "TestLang747:256"]);
    expect(report.suspects[0]).toMatchObject({ score: 0.7, reasons: ["innermost in-app frame of the root cause"] });
    expect(report.suspects[0].commit).toBeUndefined();
    expect(report.files[0]).toEqual({
      file: "org/apache/commons/lang3/math/NumberUtils.java",
      score: 0.7,
      lines: [684, 474],
    });
  });

  it("with --repo maps frames to repository files and blames the suspect line", async () => {
    const body = Array.from({ length: 700 }, (_, i) => `// ${i + 1}`).join("\n");
    const repo = createRepo({
      "src/main/java/org/apache/commons/lang3/math/NumberUtils.java": body,
      "pom.xml": "<project/>",
    });
    const { out } = await stack(
      `${fixtures}real/defects4j/Lang-1.txt`,
      "--repo",
      repo,
      "--app",
      "org.apache.commons.lang3",
      "--json",
    );
    const report = JSON.parse(out);
    expect(report.suspects[0]).toMatchObject({
      file: "src/main/java/org/apache/commons/lang3/math/NumberUtils.java",
      line: 684,
      commit: { author: "Test", summary: "initial" },
    });
    expect(report.suspects[0].commit.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(report.frames[4].file).toBe("src/main/java/org/apache/commons/lang3/math/NumberUtils.java");
    expect(report.unmapped).toEqual(["org/apache/commons/lang3/math/NumberUtilsTest.java"]);
    expect(report.warnings[0]).toMatch(/1 in-app file not found in the repository/);
  });

  it("prints the exception, frames with in-app ones marked, and the suspects for humans", async () => {
    const { out, err } = await stack(`${fixtures}python-chained.log`);
    expect(out.split("\n").slice(0, 3)).toEqual([
      "shop.pricing.errors.InvalidCoupon: WINTER26",
      "  ▶ /app/shop/pricing/discounts.py:44  apply_coupon",
      "  ▶ /app/shop/pricing/__init__.py:18  total",
    ]);
    expect(out).toContain("While handling: KeyError: 'WINTER26'");
    expect(out).toMatch(
      / 1\. 0\.70 {2}\/app\/shop\/pricing\/discounts\.py:41 {2}apply_coupon\n {6}innermost in-app frame of the root cause/,
    );
    expect(err).toBe("");
  });

  it("reads standard input with '-'", async () => {
    Object.defineProperty(process, "stdin", {
      value: Readable.from([Buffer.from("Error: x\n    at run (/srv/a.js:1:2)\n")]),
    });
    const { out } = await stack("-", "--json");
    expect(JSON.parse(out).suspects[0]).toMatchObject({ file: "/srv/a.js", line: 1, function: "run" });
  });

  it("exits 2 with a one-line reason for binary input, text without a trace, a missing file or a bad --repo", async () => {
    const binary = await stack(file("core.bin", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3, 0, 0, 0])));
    expect(binary).toMatchObject({ exitCode: 2, out: "" });
    expect(binary.err).toMatch(/^pitcrew stack: input looks binary/);
    expect((await stack(file("app.log", "GET / 200\n"))).err).toMatch(/no stack trace found/);
    expect(await stack(join(dir, "missing.log"))).toMatchObject({
      exitCode: 2,
      err: `pitcrew stack: cannot read ${join(dir, "missing.log")}: ENOENT\n`,
    });
    expect(await stack(`${fixtures}go-panic.log`, "--repo", dir)).toMatchObject({
      exitCode: 2,
      err: `pitcrew stack: --repo ${dir}: not a git repository\n`,
    });
  });
});
