/**
 * The packed package installs and works, and a new user gets through a first day with it:
 * `npm pack` (of the `dist/` that `npm run build` made; a real `npm pack` builds it in
 * `prepack`), `npm install -g` of the tarball into a temporary prefix (dependencies from the
 * registry, through the shared npm cache; better-sqlite3's install script allowed; where its
 * prebuilt binary cannot be downloaded it compiles, which takes minutes) — installed once, then:
 * `--version` and `run` on a sample repository; and the new-user script on a fresh HOME (run,
 * serve, login, trigger, watch, runs, logs, artifacts, cancel, rerun), each checked on its output.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { freePort, until } from "../support/serve-process.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BUILT = existsSync(join(ROOT, "dist/cli/main.js")) && existsSync(join(ROOT, "dist/web/index.html"));
const run = promisify(execFile);

/** The installed package: its `pitcrew` binary and its directory. */
let bin = "";
let pkgDir = "";

/** A clean environment on a fresh HOME: no PITCREW_* and no XDG_* from the machine running the tests. */
function freshEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: mkdtempSync(join(tmpdir(), "pitcrew-home-")), NO_COLOR: "1" };
  for (const name of Object.keys(env)) if (name.startsWith("PITCREW_") || name.startsWith("XDG_")) delete env[name];
  return env;
}

/** Runs the installed `pitcrew`; never throws, returns the exit code and both outputs. */
function pitcrew(env: NodeJS.ProcessEnv, cwd: string, args: string[], input = "") {
  return new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
    const child = execFile(bin, args, { cwd, env }, (err, stdout, stderr) =>
      res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });
}

describe.skipIf(!BUILT)("install from the packed tarball", () => {
  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), "pitcrew-install-"));
    await run("npm", ["pack", "--ignore-scripts", "--pack-destination", work], { cwd: ROOT });
    const tgz = readdirSync(work).find((f) => /^pitcrew-.*\.tgz$/.test(f));
    if (!tgz) throw new Error(`npm pack made no pitcrew-*.tgz in ${work}`);
    const prefix = join(work, "prefix");
    const npmArgs = ["install", "-g", join(work, tgz), "--prefix", prefix, "--prefer-offline", "--no-audit"];
    await run("npm", [...npmArgs, "--no-fund", "--allow-scripts=better-sqlite3"], { cwd: work });
    bin = join(prefix, "bin", "pitcrew");
    pkgDir = join(prefix, "lib", "node_modules", "pitcrew");
  }, 900_000);

  it("`npm install -g pitcrew-*.tgz` gives a working `pitcrew`", async () => {
    expect(existsSync(join(pkgDir, "dist", "web", "index.html"))).toBe(true);
    expect(existsSync(join(pkgDir, "src"))).toBe(false);
    expect(readFileSync(join(pkgDir, "dist", "bundle", "main.cjs")).every((b) => b < 0x80)).toBe(true);
    const env = freshEnv();
    const version = await run(bin, ["--version"], { env });
    expect(version.stdout.trim()).toBe("0.1.0");
    const codeCache = join(env.HOME!, ".cache", "pitcrew", "v8");
    // one cache per command word, `--version`'s its own (named …-<arch>-<command>.bin)
    const cached = () =>
      readdirSync(codeCache).map((f) => f.slice(f.indexOf(`-${process.arch}-`) + process.arch.length + 2));
    expect(cached()).toEqual(["none-print.bin"]);

    const repo = createRepo({
      "index.js": "console.log('installed ok');\n",
      ".pitcrew/pipeline.yaml": "jobs:\n  test:\n    steps:\n      - run: node index.js\n",
    });
    const result = await run(bin, ["run", "."], { cwd: repo, env });
    expect(result.stdout).toContain("installed ok");
    expect(result.stdout).toMatch(/Run #1 ✔ success/);
    expect(gitIn(repo, "status", "--porcelain", "--ignored")).toBe("");
    expect(cached().sort()).toEqual(["none-print.bin", "run.bin"]);
    expect(statSync(codeCache).mode & 0o777).toBe(0o700);
  }, 120_000);

  describe("a new user's first day", () => {
    let server: ChildProcess | undefined;
    afterAll(() => void server?.kill("SIGTERM"));

    it("run, serve, login, trigger, watch, runs, logs, artifacts, cancel, rerun", async () => {
      const env = freshEnv();
      const home = env.HOME!;
      const repo = createRepo({
        "package.json": '{ "name": "tiny", "version": "1.2.3" }\n',
        ".pitcrew/pipeline.yaml": `jobs:
  build:
    steps:
      - run: mkdir -p dist && node -e "require('fs').writeFileSync('dist/out.txt', 'built ' + require('./package.json').version)"
    artifacts: [dist/**]
  test:
    needs: [build]
    steps:
      - run: echo "test sees $(cat dist/out.txt)"
`,
      });
      const elsewhere = mkdtempSync(join(tmpdir(), "pitcrew-cwd-"));

      // 1. A local run: the job that needs `build` gets its artifact.
      const local = await pitcrew(env, repo, ["run", "."]);
      expect(local.code).toBe(0);
      expect(local.stdout).toContain("test sees built 1.2.3");
      expect(local.stdout).toMatch(/Run #1 ✔ success/);
      const localRuns = await pitcrew(env, elsewhere, ["runs"]);
      expect(localRuns.stdout).toMatch(/pitcrew-repo-\w+-[0-9a-f]{8}#1 +✔ success +push +main/);
      const usage = await pitcrew(env, elsewhere, ["runs", "--limit", "abc"]);
      expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining("--limit must be a positive integer")]);

      // 2. A server on this machine, with the repository as a project; a slow branch to cancel.
      gitIn(repo, "checkout", "-q", "-b", "slow");
      commitFiles(repo, { ".pitcrew/pipeline.yaml": "jobs:\n  wait:\n    steps:\n      - run: sleep 120\n" }, "slow");
      gitIn(repo, "checkout", "-q", "main");
      const port = await freePort();
      const config = join(home, "pitcrew.yaml");
      writeFileSync(
        config,
        `server:\n  port: ${port}\nlog:\n  level: warn\nprojects:\n  - name: tiny\n    repo: ${repo}\n`,
      );
      let served = "";
      server = spawn(bin, ["-c", config, "serve"], { cwd: home, env, stdio: ["ignore", "pipe", "pipe"] });
      server.stdout!.on("data", (d) => (served += d));
      server.stderr!.on("data", (d) => (served += d));
      const tokenFile = join(home, ".local", "share", "pitcrew", "admin-token");
      const token = await until(
        async () => existsSync(tokenFile) && readFileSync(tokenFile, "utf8").trim(),
        30_000,
        "the admin token",
      );
      expect(served).toContain(`listening on http://127.0.0.1:${port}`);

      // 3. trigger before logging in reaches the server of the config's server.port.
      const first = await pitcrew(env, elsewhere, ["-c", config, "trigger", "tiny", "--token", token]);
      expect(first.stdout).toMatch(/^run 1 \(#1\)/);

      // 4. login (token on stdin), saved 0600 in a 0700 directory.
      const login = await pitcrew(env, elsewhere, ["login", "--server", `http://127.0.0.1:${port}`], `${token}\n`);
      expect(login.stdout).toContain(`logged in to http://127.0.0.1:${port} as bootstrap-admin (admin)`);
      const saved = join(home, ".config", "pitcrew", "config.json");
      expect(statSync(saved).mode & 0o777).toBe(0o600);
      expect(statSync(join(home, ".config", "pitcrew")).mode & 0o777).toBe(0o700);

      // 5. watch, runs, logs, artifacts through the API.
      const watch = await pitcrew(env, elsewhere, ["watch", "1", "--exit-status"]);
      expect(watch.code).toBe(0);
      expect(watch.stdout).toMatch(/✔ success build\n[\s\S]*✔ success test\n[\s\S]*run 1 \(#1\) ✔ success/);
      const runs = await pitcrew(env, elsewhere, ["runs"]);
      expect(runs.stdout).toMatch(/^1 +tiny#1 +✔ success +manual +main/m);
      const logs = await pitcrew(env, elsewhere, ["logs", "1", "--job", "test"]);
      expect(logs.stdout).toContain("[test] received 1 artifact file(s) (11 bytes) from needed jobs");
      expect(logs.stdout).toContain("[test] test sees built 1.2.3");
      const follow = await pitcrew(env, elsewhere, ["logs", "1", "--follow"]);
      expect([follow.code, follow.stdout]).toEqual([0, expect.stringMatching(/run 1 success\n$/)]);
      const listed = await pitcrew(env, elsewhere, ["artifacts", "1"]);
      expect(listed.stdout).toMatch(/dist\/out\.txt +11 +build/);
      const out = join(elsewhere, "downloaded");
      const got = await pitcrew(env, elsewhere, ["artifacts", "1", "-o", out]);
      expect(got.stdout).toContain(`1 artifact(s) saved in ${out}`);
      expect(readFileSync(join(out, "dist", "out.txt"), "utf8")).toBe("built 1.2.3");

      // 6. cancel a running run: watch exits with the cancelled result; rerun starts a new run.
      const slow = await pitcrew(env, elsewhere, ["trigger", "tiny", "--branch", "slow"]);
      expect(slow.stdout).toMatch(/^run 2 \(#2\)/);
      await until(async () => (await pitcrew(env, elsewhere, ["logs", "2"])).stdout.includes("[wait]"), 30_000);
      const cancel = await pitcrew(env, elsewhere, ["cancel", "2"]);
      expect(cancel.stdout).toBe("run 2 ⊘ cancelled\n");
      const watchCancelled = await pitcrew(env, elsewhere, ["watch", "2", "--exit-status"]);
      expect([watchCancelled.code, watchCancelled.stdout]).toEqual([
        130,
        expect.stringContaining("run 2 (#2) ⊘ cancelled"),
      ]);
      const rerun = await pitcrew(env, elsewhere, ["rerun", "1"]);
      expect(rerun.stdout).toMatch(/^run 3 \(#3\) started/);
      expect((await pitcrew(env, elsewhere, ["watch", "3", "--exit-status"])).code).toBe(0);
      const again = await pitcrew(env, elsewhere, ["runs", "--limit", "2", "--json"]);
      const page = JSON.parse(again.stdout) as { runs: { id: number; status: string }[]; next: string | null };
      expect(page.runs.map((r) => [r.id, r.status])).toEqual([
        [3, "success"],
        [2, "cancelled"],
      ]);
      expect(page.next).toBe("2");

      // 7. logout forgets the login; the server's runs are no longer what `runs` shows.
      expect((await pitcrew(env, elsewhere, ["logout"])).stdout).toBe(`logged out of http://127.0.0.1:${port}\n`);
      expect(existsSync(saved)).toBe(false);
      expect((await pitcrew(env, elsewhere, ["runs"])).stdout).not.toContain("tiny#");
      expect(gitIn(repo, "status", "--porcelain", "--ignored")).toBe("");
    }, 240_000);
  });
});
