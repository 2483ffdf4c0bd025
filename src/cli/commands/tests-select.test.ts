import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { commitFiles, createRepo, gitIn } from "../../../test/support/git-repo.js";
import { registerTestsCommand } from "./tests.js";

async function tests(...args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  let out = "";
  let err = "";
  const output = { writeOut: (s: string) => (out += s), writeErr: (s: string) => (err += s) };
  const program = new Command("pitcrew").exitOverride().configureOutput(output);
  registerTestsCommand(program);
  for (const c of program.commands) c.configureOutput(output);
  for (const c of program.commands[0]!.commands) c.exitOverride().configureOutput(output);
  process.exitCode = undefined;
  await program.parseAsync(["tests", ...args], { from: "user" });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { out, err, exitCode };
}

describe("pitcrew tests select (offline, on a checkout)", () => {
  const repo = createRepo({
    "lib/a.ts": "export const a = 1;\n",
    "lib/b.ts": "export const b = 2;\n",
    "lib/a.test.ts": 'import { a } from "./a.js";\n',
    "lib/b.test.ts": 'import { b } from "./b.js";\n',
  });
  const base = gitIn(repo, "rev-parse", "HEAD");
  const head = commitFiles(repo, { "lib/a.ts": "export const a = 3;\n" }, "change a");

  it("prints each decision, and the selection as JSON", async () => {
    const text = await tests("select", "--repo", repo, "--base", base);
    expect(text.exitCode).toBeUndefined();
    expect(text.out).toContain("1 of 2 test files to run");
    expect(text.out).toMatch(/run\s+lib\/a\.test\.ts.*dependency-changed\s+imports lib\/a\.ts \(changed\)/);
    expect(text.out).toMatch(/skip\s+lib\/b\.test\.ts.*unaffected/);
    const json = JSON.parse((await tests("select", "--repo", repo, "--base", base, "--json")).out);
    expect(json).toMatchObject({ base, head, run: ["lib/a.test.ts"] });
    expect(json.decisions).toHaveLength(2);
    const all = JSON.parse(
      (await tests("select", "--repo", repo, "--base", base, "--mode", "prioritize", "--json")).out,
    );
    expect(all.run).toEqual(["lib/a.test.ts", "lib/b.test.ts"]);
  });

  it("exits 2 with a clear message on an unknown base, a head that is not checked out, or a bad mode", async () => {
    const unknown = await tests("select", "--repo", repo, "--base", "no-such-branch");
    expect(unknown.exitCode).toBe(2);
    expect(unknown.err).toMatch(/--base no-such-branch: not a commit of the repository/);
    const other = await tests("select", "--repo", repo, "--base", base, "--head", base);
    expect(other.exitCode).toBe(2);
    expect(other.err).toMatch(/not the checked-out .*: check it out first/);
    const mode = await tests("select", "--repo", repo, "--base", base, "--mode", "fast");
    expect(mode.err).toMatch(/--mode must be select or prioritize/);
  });
});
