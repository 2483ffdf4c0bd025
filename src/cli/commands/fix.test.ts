import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { gitRepoWith } from "../../../test/fixtures/repair/pattern-case.js";
import { cartP13 } from "../../../test/fixtures/repair/shop-failures.js";
import { createApp } from "../../app/app.js";
import { loadConfig } from "../../common/config/load-config.js";
import { silentLogger } from "../../common/logger.js";
import { registerFixCommand } from "./fix.js";

const dir = mkdtempSync(join(tmpdir(), "pitcrew-fix-cli-"));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const cartDir = join(import.meta.dirname, "../../../examples/shop/cart");
const { service: _, trace, ...replay } = cartP13;
const traceFile = file("cart.trace", trace);
const requestFile = file("cart.request.json", JSON.stringify(replay));
/** A config whose data dir is private to the test (the local forge lives there). */
const configFile = file("pitcrew.yaml", `data_dir: ${join(dir, "data")}\n`);

/** Runs `pitcrew [-c config] fix …args` on a fresh program; returns stdout, stderr and the exit code. */
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

describe("pitcrew fix", () => {
  it("prints the proven patch and its reproduction test with --dry-run", async () => {
    const repo = gitRepoWith({}, cartDir);
    const { out, err, exitCode } = await fix(
      "--stack",
      traceFile,
      "--repo",
      repo,
      "--request",
      requestFile,
      "--dry-run",
    );
    expect(exitCode).toBeUndefined();
    expect(out).toContain("fix: Guard against missing product in describeCart (skip the item)");
    expect(out).toContain("+    if (product == null) return null;");
    expect(out).toContain("+++ b/test/pitcrew-repro-cart-with-a-discontinued-product.test.mjs");
    expect(out).toContain("dry run: nothing was pushed");
    expect(err).toContain("proving: Guard against missing product");
  });

  it("prints the patch and says why no PR was opened for a repository outside the forge", async () => {
    const repo = gitRepoWith({}, cartDir);
    const { out, exitCode } = await fix("--stack", traceFile, "--repo", repo, "--json");
    expect(exitCode).toBeUndefined();
    const report = JSON.parse(out);
    expect(report).toMatchObject({ fixed: true, patch: { fixer: "pattern/null-guard" } });
    expect(report.reproduction).toBeUndefined();
    expect(report.proof.reason).toBe("the project's tests pass with the patch (no reproduction test)");
    expect(report.note).toMatch(/is not a repository of the local forge in .*: the patch is printed above/);
  });

  it("opens a pull request when the repository is one of the local forge", async () => {
    const loaded = loadConfig({ file: configFile });
    const app = await createApp(loaded, { log: silentLogger() });
    const forgeRepo = await app.forge.createRepository("cart", { fromPath: gitRepoWith({}, cartDir) });
    await app.close();
    const { out, exitCode } = await fix(
      "--stack",
      traceFile,
      "--repo",
      forgeRepo.cloneUrl,
      "--request",
      requestFile,
      "--json",
    );
    expect(exitCode).toBeUndefined();
    const report = JSON.parse(out);
    expect(report.pullRequest).toEqual({
      repo: "cart",
      number: 1,
      branch: "pitcrew/fix-guard-against-missing-product-in-describecart-skip-the-item",
    });
    expect(report.note).toBe(
      "opened pull request #1 on cart (pitcrew/fix-guard-against-missing-product-in-describecart-skip-the-item → main)",
    );
  });

  it("fixes a stored incident from its logs, in its service's forge repository, one pull request per incident", async () => {
    const loaded = loadConfig({ file: configFile });
    const app = await createApp(loaded, { log: silentLogger() });
    const at = Date.now();
    try {
      const forgeRepo = await app.forge.createRepository("shop-cart", { fromPath: gitRepoWith({}, cartDir) });
      await app.store.projects.create({ name: "shop-cart", repoUrl: forgeRepo.cloneUrl, defaultBranch: "main" });
      await app.store.services.upsert({
        name: "cart",
        environment: "production",
        metricsUrl: null,
        scrapeIntervalMs: 1_000,
        logSource: null,
        repository: "shop-cart",
        repoPath: null,
      });
      await app.store.logRecords.insertMany(
        Array.from({ length: 5 }, (_, i) => ({
          at: at - 1_000 + i,
          service: "cart",
          level: "error",
          message: "request failed",
          traceId: null,
          spanId: null,
          attributes: { err: { stack: trace } },
          source: "http" as const,
        })),
      );
      const signal = { kind: "alert" as const, key: "k", service: "cart", status: "firing" as const, data: {}, at };
      await app.store.incidents.open(
        { title: "HighErrorRate on cart", service: "cart", severity: "critical", at },
        signal,
        [],
      );
    } finally {
      await app.close();
    }
    const first = await fix("--incident", "1", "--json");
    expect(first.exitCode, first.err).toBeUndefined();
    const report = JSON.parse(first.out);
    expect(report.pullRequest).toEqual({ repo: "shop-cart", number: 1, branch: "pitcrew/fix-incident-1" });
    const again = await fix("--incident", "1", "--json");
    expect(JSON.parse(again.out).note).toBe(
      "pull request already open #1 on shop-cart (pitcrew/fix-incident-1 → main)",
    );
    const dry = await fix("--incident", "1", "--dry-run");
    expect(dry.out).toContain("dry run: nothing was pushed");
    expect((await fix("--incident", "99")).err).toBe("pitcrew fix: there is no incident 99\n");
    expect((await fix("--incident", "1", "--stack", traceFile)).exitCode).toBe(2);
    expect((await fix("--stack", traceFile)).err).toMatch(/--stack needs --repo/);
  }, 120_000);

  it("refuses bad input with exit code 2 and one line", async () => {
    const repo = gitRepoWith({}, cartDir);
    const noTrace = await fix("--stack", file("empty.log", "all good here\n"), "--repo", repo);
    expect(noTrace.exitCode).toBe(2);
    expect(noTrace.err).toMatch(/^pitcrew fix: no stack trace found/);
    const badRequest = await fix(
      "--stack",
      traceFile,
      "--repo",
      repo,
      "--request",
      file("bad.json", '{"request":{"method":"get","path":"x"}}'),
    );
    expect(badRequest.exitCode).toBe(2);
    expect(badRequest.err).toContain("request.method: an upper-case HTTP method");
    const notRepo = await fix("--stack", traceFile, "--repo", dir, "--dry-run");
    expect(notRepo.exitCode).toBe(2);
  });
});
