import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../common/errors.js";
import { checkRepoUrl, GitError, git, SCRUBBED_GIT_ENV } from "./git.js";

const dir = mkdtempSync(join(tmpdir(), "pitcrew-git-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("git", () => {
  it("returns stdout of a successful command", async () => {
    await git(["init", "--quiet", "--initial-branch=main"], { cwd: dir });
    expect(await git(["rev-parse", "--is-inside-work-tree"], { cwd: dir })).toBe("true\n");
  });

  it("passes arguments verbatim, never through a shell", async () => {
    const text = "$(touch /tmp/pwned-git-test) `id` ; echo hi";
    const out = await git(["-c", `user.name=${text}`, "config", "user.name"], { cwd: dir });
    expect(out).toBe(`${text}\n`);
  });

  it("rejects with a GitError carrying git's stderr", async () => {
    const err = await git(["rev-parse", "--verify", "no-such-ref"], { cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect((err as GitError).message).toMatch(/git rev-parse failed: .*no-such-ref|Needed a single revision/);
    expect((err as GitError).exitCode).toBe(128);
  });

  it("ignores an inherited GIT_DIR but honours one passed explicitly", async () => {
    process.env.GIT_DIR = "/nonexistent";
    try {
      expect(await git(["rev-parse", "--is-inside-work-tree"], { cwd: dir })).toBe("true\n");
      const viaEnv = await git(["rev-parse", "--absolute-git-dir"], { cwd: "/", env: { GIT_DIR: join(dir, ".git") } });
      expect(viaEnv.trim()).toBe(join(dir, ".git"));
    } finally {
      delete process.env.GIT_DIR;
    }
  });

  it("scrubs every variable that could point git at another repository (the union of what its callers need)", async () => {
    expect([...SCRUBBED_GIT_ENV].sort()).toEqual([
      "GIT_ALTERNATE_OBJECT_DIRECTORIES",
      "GIT_COMMON_DIR",
      "GIT_DIR",
      "GIT_INDEX_FILE",
      "GIT_NAMESPACE",
      "GIT_OBJECT_DIRECTORY",
      "GIT_PREFIX",
      "GIT_WORK_TREE",
    ]);
    const saved = SCRUBBED_GIT_ENV.map((name) => [name, process.env[name]] as const);
    for (const name of SCRUBBED_GIT_ENV) process.env[name] = "/nonexistent";
    try {
      // with any of them inherited, git would fail or look elsewhere; scrubbed, it sees `dir`
      expect(await git(["rev-parse", "--absolute-git-dir"], { cwd: dir })).toBe(`${join(dir, ".git")}\n`);
      expect(await git(["status", "--porcelain"], { cwd: dir })).toBe("");
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("writes `input` to git's stdin", async () => {
    const sha = await git(["hash-object", "--stdin"], { cwd: dir, input: "hello\n" });
    expect(sha.trim()).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });

  it("never prompts for credentials", async () => {
    const server = createServer((_req, res) => res.writeHead(401, { "WWW-Authenticate": 'Basic realm="x"' }).end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo.git`;
      const err = await git(["ls-remote", url], { cwd: dir, timeoutMs: 20_000 }).catch((e: unknown) => e);
      expect((err as GitError).message).toMatch(/terminal prompts disabled/);
    } finally {
      server.close();
    }
  });
});

describe("checkRepoUrl", () => {
  it("accepts local paths and the usual git URL forms", () => {
    for (const url of [
      "/srv/repo.git",
      "file:///srv/repo.git",
      "https://example.com/a/b.git",
      "ssh://git@example.com:22/a.git",
      "git://example.com/a",
      "git@example.com:a/b.git",
      "example.com:a/b.git",
    ]) {
      expect(checkRepoUrl(url), url).toBe(url);
    }
    expect(checkRepoUrl("relative/repo")).toBe(join(process.cwd(), "relative", "repo"));
  });

  it("refuses options, remote helpers, odd schemes and control characters", () => {
    for (const url of [
      "-uhttp",
      "--upload-pack=touch /tmp/x",
      "ext::sh -c touch% /tmp/x",
      "fd::17",
      "EXT::x",
      "ssh://-oProxyCommand=x/r",
      "ssh://u@-oProxy/r",
      "ftp://example.com/r",
      "",
      " /srv/r",
      "/srv/r\nx",
    ]) {
      expect(() => checkRepoUrl(url), url).toThrow(ValidationError);
    }
  });
});
