/**
 * The offline contract of `pitcrew explain FILE --json`, through the built binary exactly as a
 * caller runs it: stdout is `{"category", "lines": [{"line", "text", "score"}]}`, at most 50
 * lines, most relevant first, line numbers counting '\n' in the raw file; bad files exit 2 with a
 * message naming the file.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FAILURE_CATEGORIES } from "../../src/failures/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/pitcrew.js");

function pitcrew(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!existsSync(join(ROOT, "dist/cli/main.js")))("pitcrew explain (offline contract)", () => {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-explain-cli-"));

  it("prints the category and the ranked lines of a raw GitHub Actions log", async () => {
    const raw = [
      "2024-05-01T10:00:00.0000000Z ##[group]Run npm ci",
      ...Array.from({ length: 300 }, (_, i) => `2024-05-01T10:00:01.0000000Z \x1b[32mfetch\x1b[0m pkg-${i} 200 OK`),
      "2024-05-01T10:00:02.0000000Z progress 1%\rprogress 50%\rprogress 100%",
      "2024-05-01T10:00:03.0000000Z ##[endgroup]",
      "2024-05-01T10:00:03.0000000Z ##[group]Run npx tsc --noEmit",
      "2024-05-01T10:00:04.0000000Z \x1b[96msrc/index.ts\x1b[0m(3,7): \x1b[91merror\x1b[0m TS2322: Type 'string' is not assignable to type 'number'.",
      "2024-05-01T10:00:05.0000000Z ##[error]Process completed with exit code 2.",
      "",
    ].join("\r\n");
    const file = join(dir, "job.log");
    writeFileSync(file, raw);
    const r = await pitcrew(["explain", file, "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(FAILURE_CATEGORIES).toContain(out.category);
    expect(out.category).toBe("compile");
    expect(out.lines.length).toBeGreaterThan(0);
    expect(out.lines.length).toBeLessThanOrEqual(50);
    for (const l of out.lines)
      expect(typeof l.line === "number" && typeof l.text === "string" && typeof l.score === "number").toBe(true);
    const want = raw.split("\n").findIndex((l) => l.includes("TS2322")) + 1;
    expect(out.lines[0]).toMatchObject({
      line: want,
      text: "src/index.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    });
    const scores = out.lines.map((l: { score: number }) => l.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("prints human output without --json and documents itself in --help", async () => {
    const file = join(dir, "go.log");
    writeFileSync(file, "=== RUN   TestAdd\n--- FAIL: TestAdd (0.00s)\n    add_test.go:9: got 2, want 3\nFAIL\n");
    const human = await pitcrew(["explain", file]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("test failure");
    expect(human.stdout).toMatch(/2\s+--- FAIL: TestAdd/);
    const help = await pitcrew(["explain", "--help"]);
    expect(help.stdout).toContain("--json");
    expect(help.stdout).toContain("infrastructure");
  });

  it("exits 2 with a message naming the file for a missing, binary or empty file", async () => {
    const binary = join(dir, "a.out");
    const empty = join(dir, "empty.log");
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]));
    writeFileSync(empty, "");
    for (const file of [join(dir, "missing.log"), binary, empty]) {
      const r = await pitcrew(["explain", file, "--json"]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(file);
    }
  });
});
