/**
 * The CLI against a real `pitcrew serve`, as a user types it: the saved login (and what a bad
 * token leaves behind: nothing), secrets whose values never come back, tokens from creation to
 * revocation, and usage mistakes refused with exit 2 and a message naming the option.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";

const BIN = join(resolve(import.meta.dirname, "../.."), "bin/pitcrew.js");
const home = mkdtempSync(join(tmpdir(), "pitcrew-home-"));
const config = join(home, ".config", "pitcrew", "config.json");

function pitcrew(args: string[], input = "") {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, NO_COLOR: "1" };
  for (const name of Object.keys(env)) if (name.startsWith("PITCREW_") || name.startsWith("XDG_")) delete env[name];
  return new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: home, env }, (err, stdout, stderr) =>
      res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });
}

describe.skipIf(!HAS_DIST)("the CLI against a server", () => {
  let s: ServeProcess;
  beforeAll(async () => {
    const repo = createRepo({ ".pitcrew/pipeline.yaml": "jobs:\n  t:\n    steps:\n      - run: true\n" });
    s = await startServe({ projects: [{ name: "app", repo }] });
  }, 60_000);
  afterAll(async () => s?.stop());

  it("login refuses a bad token and saves nothing; a good one is saved 0600", async () => {
    const bad = await pitcrew(["login", "--server", s.base, "--token", "pcr_wrong"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^pitcrew: 401: .*\(log in with `pitcrew login` or pass --token\)\n$/);
    expect(existsSync(config)).toBe(false);
    const good = await pitcrew(["login", "--server", `${s.base}/`], `${s.token}\n`);
    expect(good.stdout).toBe(`logged in to ${s.base} as bootstrap-admin (admin); saved in ${config}\n`);
    expect(JSON.parse(readFileSync(config, "utf8"))).toEqual({ server: s.base, token: s.token });
  });

  it("secrets: the value comes from stdin and is never shown", async () => {
    const value = "hunter2-very-secret";
    expect((await pitcrew(["secrets", "set", "app", "NPM_TOKEN"], value)).stdout).toBe(
      "secret NPM_TOKEN set for app\n",
    );
    const list = await pitcrew(["secrets", "list", "app", "--json"]);
    expect(JSON.parse(list.stdout)).toEqual({ names: ["NPM_TOKEN"] });
    expect(list.stdout + (await pitcrew(["secrets", "list", "app"])).stdout).not.toContain(value);
    const badName = await pitcrew(["secrets", "set", "app", "no-dashes", "--value", "x"]);
    expect([badName.code, badName.stderr]).toEqual([1, expect.stringContaining("an environment variable name")]);
    expect((await pitcrew(["secrets", "rm", "app", "NPM_TOKEN"])).code).toBe(0);
    const again = await pitcrew(["secrets", "rm", "app", "NPM_TOKEN"]);
    expect([again.code, again.stderr]).toEqual([1, 'pitcrew: 404: secret "NPM_TOKEN" not found\n']);
    expect((await pitcrew(["secrets", "list", "app"])).stdout).toBe("no secrets\n");
  });

  it("tokens: created once, listed without secrets, revoked for good", async () => {
    const created = JSON.parse((await pitcrew(["tokens", "create", "ci-bot", "--role", "operator", "--json"])).stdout);
    expect(created).toMatchObject({ name: "ci-bot", role: "operator", token: expect.stringMatching(/^pcr_/) });
    const list = await pitcrew(["tokens", "list"]);
    expect(list.stdout).toMatch(new RegExp(`^${created.id} +ci-bot +operator `, "m"));
    expect(list.stdout).not.toContain(created.token);
    expect((await s.api("GET", "/api/me", { token: created.token })).body).toEqual({
      id: created.id,
      name: "ci-bot",
      role: "operator",
    });
    expect((await pitcrew(["tokens", "revoke", String(created.id)])).stdout).toBe(`token ${created.id} revoked\n`);
    expect((await s.api("GET", "/api/me", { token: created.token })).status).toBe(401);
    const runsAsRevoked = await pitcrew(["runs", "--token", created.token]);
    expect(runsAsRevoked.code).toBe(1);
  });

  it("usage mistakes exit 2 naming the option, before anything is done", async () => {
    const cases: [string[], string][] = [
      [["runs", "--limit", "abc"], "--limit must be a positive integer"],
      [["runs", "--limit", "0"], "--limit must be a positive integer"],
      [["runs", "--status", "green"], "--status must be one of: queued, running, success, failure, cancelled, skipped"],
      [["run", ".", "--event", "bogus"], "--event must be one of: push, pull_request, manual, cron"],
      [["cancel", "abc"], "RUN must be a positive integer"],
      [["tokens", "create", "x", "--role", "root"], "--role must be one of: viewer, operator, admin"],
      [["watch"], "missing required argument 'run'"],
    ];
    for (const [args, message] of cases) {
      const r = await pitcrew(args);
      expect([args, r.code, r.stderr]).toEqual([args, 2, expect.stringContaining(message)]);
    }
    expect((await s.api("GET", "/api/runs")).body.runs).toEqual([]);
    const url = await pitcrew(["runs", "--server", "ftp://example"]);
    expect([url.code, url.stderr]).toEqual([
      1,
      "pitcrew: --server must be an http:// or https:// URL, got 'ftp://example'\n",
    ]);
  });

  it("logout forgets the login; server-only commands then say how to configure one", async () => {
    expect((await pitcrew(["logout"])).stdout).toBe(`logged out of ${s.base}\n`);
    expect(existsSync(config)).toBe(false);
    const cancel = await pitcrew(["cancel", "1"]);
    expect([cancel.code, cancel.stderr]).toEqual([
      1,
      "pitcrew: this needs a server: pass --server URL, set PITCREW_SERVER or run `pitcrew login`\n",
    ]);
    expect((await pitcrew(["logout"])).stdout).toBe("not logged in\n");
  });
});
