/**
 * Onboarding's first step through a real `pitcrew serve` and the real CLI: create a forge
 * repository, push to it, protect its main branch (then a direct push is refused by git itself),
 * list it; bad names and roles are refused with nothing written.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";

const BIN = resolve(import.meta.dirname, "../../bin/pitcrew.js");

describe.skipIf(!HAS_DIST)("pitcrew repos create|protect|list", () => {
  let s: ServeProcess;
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, PITCREW_SERVER: s.base, PITCREW_TOKEN: s.token, NO_COLOR: "1" },
    }).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );

  beforeAll(async () => {
    s = await startServe();
  }, 60_000);
  afterAll(() => s?.stop());

  it("creates a repository, refuses pushes to its protected branch and lists it", async () => {
    const created = await cli("repos", "create", "shop-api", "--description", "the shop's REST API", "--json");
    expect(created.code, created.err).toBe(0);
    const repo = JSON.parse(created.out);
    expect(repo).toMatchObject({ name: "shop-api", description: "the shop's REST API", protection: {} });
    expect(existsSync(join(repo.cloneUrl, "HEAD"))).toBe(true);

    const again = await cli("repos", "create", "shop-api");
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/409.*already exists/);

    const work = createRepo({ "index.js": "console.log(1)\n" });
    gitIn(work, "remote", "add", "pitcrew", repo.cloneUrl);
    gitIn(work, "push", "--quiet", "pitcrew", "main");

    const prot = await cli(
      "repos",
      "protect",
      "shop-api",
      "--branch",
      "main",
      "--require-checks",
      "pitcrew/ci",
      "lint",
    );
    expect(prot.code, prot.err).toBe(0);
    expect(prot.out).toContain("main is protected; merges need pitcrew/ci, lint");

    commitFiles(work, { "index.js": "console.log(2)\n" }, "direct change");
    expect(() => gitIn(work, "push", "--quiet", "pitcrew", "main")).toThrow(/refs\/heads\/main is protected/);
    expect(() => gitIn(work, "push", "--quiet", "--force", "pitcrew", ":main")).toThrow(/protected/);
    gitIn(work, "push", "--quiet", "pitcrew", "HEAD:refs/heads/feature");
    const head = gitIn(work, "rev-parse", "HEAD~1");
    expect(gitIn(repo.cloneUrl, "rev-parse", "refs/heads/main")).toBe(head);

    const list = await cli("repos", "list");
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/shop-api\s+main \(pitcrew\/ci, lint\)\s+the shop's REST API/);
  });

  it("refuses bad names, bad branches, unknown repositories and non-admins with nothing written", async () => {
    const forgeDir = join(s.dataDir, "data", "forge");
    const before = existsSync(forgeDir) ? readdirSync(forgeDir) : [];
    for (const name of ["../escape", "-rf", "..", "a..b", "x.git", "a/b", "", "a b", "é"]) {
      const r = await s.api("POST", "/api/forge/repos", { body: { name } });
      expect(r.status, name).toBe(400);
    }
    const long = await s.api("POST", "/api/forge/repos", { body: { name: "ok", description: "a\nb" } });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/description/);
    expect(existsSync(forgeDir) ? readdirSync(forgeDir) : []).toEqual(before);

    const badBranch = await s.api("POST", "/api/forge/repos/shop-api/protection", { body: { branch: "-x" } });
    expect(badBranch.status).toBe(400);
    const badCheck = await s.api("POST", "/api/forge/repos/shop-api/protection", {
      body: { branch: "main", requiredChecks: ["$(rm -rf /)"] },
    });
    expect(badCheck.status).toBe(400);
    const unknown = await s.api("POST", "/api/forge/repos/nope/protection", { body: { branch: "main" } });
    expect(unknown.status).toBe(404);

    const viewer = (await s.api("POST", "/api/tokens", { body: { name: "v", role: "viewer" } })).body.token;
    expect((await s.api("POST", "/api/forge/repos", { body: { name: "v-repo" }, token: viewer })).status).toBe(403);
    expect((await s.api("GET", "/api/forge/repos", { token: viewer })).status).toBe(200);
    expect((await s.api("GET", "/api/forge/repos", { token: null })).status).toBe(401);
  });
});
