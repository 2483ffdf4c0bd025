/**
 * First use, exactly as a new user does it: a fresh HOME, a fresh git repository of a tiny
 * project with `.pitcrew/pipeline.yaml`, `pitcrew run .` from its root. The run succeeds, the
 * repository is left untouched (`git status --porcelain` is empty) and pitcrew's state lands in
 * the per-user data directory under that HOME; `runs` lists that run from any other folder
 * without writing there, and `logs` shows it by the name `runs` gives it (or by id in the repository).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepo, gitIn } from "../support/git-repo.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/pitcrew.js");

function pitcrew(args: string[], cwd: string, home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, NO_COLOR: "1" };
  for (const name of Object.keys(env)) if (name.startsWith("PITCREW_") || name === "XDG_DATA_HOME") delete env[name];
  return new Promise((res) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env }, (err, stdout, stderr) =>
      res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!existsSync(join(ROOT, "dist/cli/main.js")))("first use", () => {
  it("`pitcrew run .` in a fresh repository succeeds and writes nothing into it", async () => {
    const home = mkdtempSync(join(tmpdir(), "pitcrew-home-"));
    const repo = createRepo({
      "package.json": '{ "name": "tiny", "version": "1.0.0" }\n',
      "index.js": "console.log('hello from tiny');\n",
      ".pitcrew/pipeline.yaml": "jobs:\n  test:\n    steps:\n      - run: node index.js\n",
    });

    const run = await pitcrew(["run", "."], repo, home);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("hello from tiny");
    expect(run.stdout).toMatch(/Run #1 ✔ success/);
    expect(gitIn(repo, "status", "--porcelain", "--ignored")).toBe("");

    const store = join(home, ".local", "share", "pitcrew", "local");
    const stores = readdirSync(store);
    expect(stores).toHaveLength(1);
    const repoStore = stores[0] ?? "";
    expect(readdirSync(join(store, repoStore))).toEqual(expect.arrayContaining(["pitcrew.db", "secret.key"]));

    const elsewhere = mkdtempSync(join(tmpdir(), "pitcrew-cwd-"));
    const runs = await pitcrew(["runs"], elsewhere, home);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(new RegExp(`-${repoStore}#1 +✔ success +push`));
    const ref = /(\S+-[0-9a-f]{8}#1)/.exec(runs.stdout)?.[1] ?? "";
    const logs = await pitcrew(["logs", ref], elsewhere, home);
    expect(logs.stdout).toContain("[test] hello from tiny");
    const byId = await pitcrew(["logs", "1"], elsewhere, home);
    expect([byId.code, byId.stderr]).toEqual([1, expect.stringContaining("name the run as `pitcrew runs` shows it")]);
    expect((await pitcrew(["logs", "1"], repo, home)).stdout).toContain("[test] hello from tiny");
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(existsSync(join(home, ".local", "share", "pitcrew", "pitcrew.db"))).toBe(false);

    const xdg = mkdtempSync(join(tmpdir(), "pitcrew-xdg-"));
    const again = await pitcrew(["--data-dir", xdg, "run", ".", "-q"], repo, home);
    expect(again.code).toBe(0);
    expect(readdirSync(join(xdg, "local"))).toEqual([repoStore]);
    expect(gitIn(repo, "status", "--porcelain", "--ignored")).toBe("");
  }, 90_000);
});
