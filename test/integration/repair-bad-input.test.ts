/**
 * `pitcrew fix` on bad input: a truncated trace, two traces interleaved line by line, frames of
 * another service, binary garbage, a missing trace file, and a repository with uncommitted and
 * untracked changes. Each ends with exit code 1 or 2 and a one-line reason (never a stack dump),
 * or with a fix made from the committed code only; the user's working tree stays byte-for-byte
 * as it was. (A directory that is not a repository and a malformed request file are covered in
 * src/cli/commands/fix.test.ts.)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { buildRepo, loadCorpus } from "../../bench/repair/corpus.js";
import { registerFixCommand } from "../../src/cli/commands/fix.js";

const dir = mkdtempSync(join(tmpdir(), "pitcrew-fix-bad-"));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const configFile = file("pitcrew.yaml", `data_dir: ${join(dir, "data")}\n`);
const [checkout, newsletter] = loadCorpus(["js-checkout-unknown-sku", "py-newsletter-deleted-customer"]);
/** The checkout's stack as the service logged it (inside a JSON log line). */
const nodeStack: string[] = checkout!.trace
  .split("\n")
  .filter((l) => l.includes('"level":"error"'))
  .map((l) => JSON.parse(l).error.stack)[0]
  .split("\n");

/** Runs `pitcrew -c config fix …args` on a fresh program; returns stdout, stderr and the exit code. */
async function fix(...args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  let out = "";
  let err = "";
  const program = new Command("pitcrew")
    .option("-c, --config <file>")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerFixCommand(program);
  process.exitCode = undefined;
  await program.parseAsync(["-c", configFile, "fix", ...args], { from: "user" });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { out, err, exitCode };
}

/** Every file under `root` except `.git/`, path → bytes (base64). */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    const path = relative(root, full);
    if (entry.isFile() && !path.startsWith(".git/")) out[path] = readFileSync(full).toString("base64");
  }
  return out;
}

const noStackDump = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe("pitcrew fix on bad input", () => {
  const repo = buildRepo(checkout!);
  const dirty = buildRepo(checkout!);
  afterAll(() => {
    for (const d of [dir, repo, dirty]) rmSync(d, { recursive: true, force: true });
  });

  it("refuses a trace cut inside its first frame, and fixes from one cut after it", async () => {
    const cutEarly = await fix(
      "--stack",
      file("cut-early.log", `${nodeStack.slice(0, 2).join("\n").slice(0, -30)}`),
      "--repo",
      repo,
    );
    expect(cutEarly.exitCode).toBe(2);
    expect(cutEarly.err).toMatch(/^pitcrew fix: no stack trace found/);
    const cutLater = file("cut-later.log", `${nodeStack.slice(0, 3).join("\n").slice(0, -25)}\n`);
    const partial = await fix("--stack", cutLater, "--repo", repo, "--dry-run", "--json");
    expect(partial.exitCode).toBeUndefined();
    expect(JSON.parse(partial.out).patch.diff).toContain("+++ b/src/checkout/totals.mjs");
  });

  it("reads the first of two traces interleaved line by line", async () => {
    const python = newsletter!.trace.split("\n").filter((l) => /^(Traceback| {2}|\w+Error)/.test(l));
    const mixed = nodeStack.flatMap((l, i) => [l, ...(python[i] !== undefined ? [python[i]!] : [])]);
    const { out, exitCode } = await fix(
      "--stack",
      file("mixed.log", `${mixed.join("\n")}\n`),
      "--repo",
      repo,
      "--dry-run",
    );
    expect(exitCode).toBeUndefined();
    expect(out).toContain("fix: Guard against missing product in lineTotal");
  });

  it("says no patch could be proven when the frames point outside the repository", async () => {
    const { out, err, exitCode } = await fix(
      "--stack",
      file("other.log", newsletter!.trace),
      "--repo",
      repo,
      "--dry-run",
    );
    expect(exitCode).toBe(1);
    expect(err).toContain("fixers: 0 patches proposed");
    expect(out).toContain("no patch could be proven");
    noStackDump(out + err);
  });

  it("refuses binary garbage and a missing trace file with one line", async () => {
    const bytes = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 256));
    const garbage = await fix("--stack", file("core.bin", bytes), "--repo", repo);
    expect(garbage.exitCode).toBe(2);
    expect(garbage.err).toMatch(/^pitcrew fix: input looks binary .*\n$/);
    const missing = await fix("--stack", join(dir, "nope.log"), "--repo", repo);
    expect(missing.exitCode).toBe(2);
    expect(missing.err).toBe(`pitcrew fix: cannot read ${join(dir, "nope.log")}: ENOENT\n`);
  });

  it("fixes the committed code of a repository with uncommitted changes and leaves its working tree as it was", async () => {
    const wip = "/** Order totals (work in progress: taxes). */\nexport const TAX = 0.19;\n";
    writeFileSync(join(dirty, "src/checkout/totals.mjs"), wip);
    writeFileSync(join(dirty, "notes.txt"), "untracked notes\n");
    writeFileSync(join(dirty, "src/routes.mjs"), `${readFileSync(join(dirty, "src/routes.mjs"), "utf8")}// staged\n`);
    execFileSync("git", ["add", "src/routes.mjs"], { cwd: dirty });
    const status = () => execFileSync("git", ["status", "--porcelain"], { cwd: dirty, encoding: "utf8" });
    const [before, statusBefore] = [snapshot(dirty), status()];
    const { out, exitCode } = await fix("--stack", file("checkout.log", checkout!.trace), "--repo", dirty, "--json");
    expect(exitCode).toBeUndefined();
    const report = JSON.parse(out);
    expect(report.patch.diff).toContain("+  if (product == null) return 0;");
    expect(report.note).toMatch(/not a repository of the local forge/);
    expect(snapshot(dirty)).toEqual(before);
    expect(status()).toBe(statusBefore);
  });
});
