import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { lintPipeline } from "../../pipeline/index.js";
import { registerImportCommand } from "./import.js";

const workflow = fileURLToPath(new URL("../../../test/fixtures/import/github-node.yml", import.meta.url));

/** Runs `pitcrew import …args` on a fresh program; returns what it printed and the exit code. */
async function run(...args: string[]): Promise<{ out: string; exitCode: number | undefined }> {
  let out = "";
  const program = new Command("pitcrew")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: () => {} });
  registerImportCommand(program);
  process.exitCode = undefined;
  await program.parseAsync(["import", ...args], { from: "user" });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { out, exitCode };
}

describe("pitcrew import", () => {
  it("writes a pipeline that lints clean and prints what did not convert, like a compiler", async () => {
    const output = join(mkdtempSync(join(tmpdir(), "pitcrew-import-")), ".pitcrew", "pipeline.yaml");
    const { out, exitCode } = await run(workflow, "-o", output);
    expect(exitCode).toBeUndefined();
    expect(out).toContain(`${workflow}:66:9: warning[import-action]: codecov/codecov-action@v4 is a GitHub action`);
    expect(out).toContain(`wrote ${output} (jobs: lint, test, publish)`);
    const written = readFileSync(output, "utf8");
    expect(lintPipeline(written).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("never overwrites an existing file without --force", async () => {
    const output = join(mkdtempSync(join(tmpdir(), "pitcrew-import-")), "pipeline.yaml");
    writeFileSync(output, "mine\n");
    await expect(run(workflow, "-o", output)).rejects.toThrow("already exists; pass --force");
    expect(readFileSync(output, "utf8")).toBe("mine\n");
    await run(workflow, "-o", output, "--force");
    expect(readFileSync(output, "utf8")).toContain("pitcrew import");
  });

  it("--json prints the pipeline and both lists of diagnostics; exit 1 when nothing converts", async () => {
    const { out } = await run(workflow, "--json");
    const json = JSON.parse(out);
    expect(json).toMatchObject({ format: "github-actions", ok: true, pipeline: expect.stringContaining("jobs:") });
    expect(json.diagnostics.length).toBeGreaterThan(0);
    const notCi = join(mkdtempSync(join(tmpdir(), "pitcrew-import-")), "x.yml");
    writeFileSync(notCi, "hello: world\n");
    const bad = await run(notCi, "--json");
    expect(JSON.parse(bad.out)).toMatchObject({ ok: false, pipeline: null, diagnostics: [{ code: "import-error" }] });
    expect(bad.exitCode).toBe(1);
  });
});
