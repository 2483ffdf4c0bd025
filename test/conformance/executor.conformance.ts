/** One conformance suite for every Executor implementation (DESIGN.md §3), with real processes. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Executor, LogStream, StepInvocation } from "../../src/runner/executor.js";

const PATH = "/usr/local/bin:/usr/bin:/bin";

/** What a test step produced. */
interface Ran {
  stdout: string[];
  stderr: string[];
  lines: [LogStream, string][];
  pid?: number;
  exitCode: number | null;
  signal?: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
}

/** Pids of live (non-zombie) processes whose command line contains `token`. */
function processesWith(token: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "latin1").includes(token)) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** Waits until no process carries `token` (up to `ms`); returns the survivors. */
async function survivorsOf(token: string, ms = 3000): Promise<number[]> {
  const end = Date.now() + ms;
  let left = processesWith(token);
  while (left.length > 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    left = processesWith(token);
  }
  return left;
}

const uniqueToken = () => `${300 + Math.floor(Math.random() * 600)}.${process.pid}${Date.now() % 100000}`;

/** Runs the executor contract against executors from `make`. */
export function runExecutorConformance(name: string, make: (opts: { killGraceMs: number }) => Executor) {
  describe(`Executor conformance: ${name}`, () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), "pitcrew-exec-")));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const executor = make({ killGraceMs: 500 });
    let n = 0;

    const run = async (script: string, extra: Partial<StepInvocation> = {}): Promise<Ran> => {
      const workspace = extra.workspace ?? join(root, `ws${++n}`);
      mkdirSync(workspace, { recursive: true });
      await executor.prepare?.(workspace);
      const ran: Ran = {
        stdout: [],
        stderr: [],
        lines: [],
        exitCode: null,
        timedOut: false,
        cancelled: false,
        durationMs: 0,
      };
      const outcome = await executor.runStep({
        script,
        cwd: workspace,
        workspace,
        env: { PATH },
        onLine: (stream, line) => {
          ran.lines.push([stream, line]);
          (stream === "stdout" ? ran.stdout : ran.stderr).push(line);
        },
        onStart: (pid) => {
          ran.pid = pid;
        },
        ...extra,
      });
      return { ...ran, ...outcome };
    };

    it("reports exit codes and the pid it started", async () => {
      expect((await run("true")).exitCode).toBe(0);
      const r = await run("exit 3");
      expect(r.exitCode).toBe(3);
      expect(r.pid).toBeGreaterThan(1);
    });

    it("delivers stdout and stderr lines in order per stream, with a partial last line", async () => {
      const r = await run("echo a; echo b >&2; echo c; printf 'd\\r\\ne'; printf 'x\\n\\ny' >&2");
      expect(r.stdout).toEqual(["a", "c", "d", "e"]);
      expect(r.stderr).toEqual(["b", "x", "", "y"]);
    });

    it("gives the step exactly the environment passed, nothing of pitcrew's own", async () => {
      expect(process.env.HOME).toBeTruthy();
      const r = await run("env", { env: { PATH, GREETING: "hello world", EMPTY: "" } });
      const names = r.stdout.map((l) => l.split("=")[0]).sort();
      // bash itself adds PWD, SHLVL and `_`; everything else must be what was passed.
      expect(names.filter((v) => !["PWD", "SHLVL", "_"].includes(v ?? ""))).toEqual(["EMPTY", "GREETING", "PATH"]);
      expect(r.stdout).toContain("GREETING=hello world");
      expect(r.stdout.some((l) => l.startsWith("HOME=") || l.startsWith("USER="))).toBe(false);
    });

    it("runs in the given working directory", async () => {
      const workspace = join(root, "cwd-test");
      mkdirSync(join(workspace, "sub", "dir"), { recursive: true });
      const r = await run("pwd", { workspace, cwd: join(workspace, "sub", "dir") });
      expect(r.stdout).toEqual([join(workspace, "sub", "dir")]);
    });

    it("resolves with exit code 127 and a reason when the step cannot start", async () => {
      const r = await run("echo never", { cwd: join(root, "does-not-exist") });
      expect(r.exitCode).toBe(127);
      expect(r.stdout).toEqual([]);
      expect(r.stderr.join("\n")).toMatch(/does-not-exist/);
      const nul = await run("echo never", { env: { PATH, BAD: "a\0b" } });
      expect(nul.exitCode).toBe(127);
      expect(nul.stderr.join("\n")).toMatch(/cannot start step/);
    });

    it("applies set -e and pipefail", async () => {
      const e = await run("false; echo after");
      expect(e.exitCode).toBe(1);
      expect(e.stdout).toEqual([]);
      const p = await run("false | true; echo after");
      expect(p.exitCode).toBe(1);
      expect(p.stdout).toEqual([]);
      expect((await run("true | true; echo after")).stdout).toEqual(["after"]);
    });

    it("kills the whole process tree on timeout", async () => {
      const token = uniqueToken();
      const r = await run(`bash -c 'sleep ${token} & echo $!; wait' & wait`, { timeoutMs: 1500 });
      expect(r.timedOut).toBe(true);
      expect(r.cancelled).toBe(false);
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout).toHaveLength(1);
      expect(r.durationMs).toBeLessThan(5000);
      expect(await survivorsOf(token)).toEqual([]);
    });

    it("kills a step that ignores SIGTERM once the grace period is over", async () => {
      const token = uniqueToken();
      const r = await run(`trap '' TERM; sleep ${token} & trap '' TERM; echo up; wait || wait`, { timeoutMs: 500 });
      expect(r.timedOut).toBe(true);
      expect(r.durationMs).toBeLessThan(4000);
      expect(await survivorsOf(token)).toEqual([]);
    });

    it("is cancelled through its abort signal", async () => {
      const token = uniqueToken();
      const ac = new AbortController();
      const pending = run(`bash -c 'sleep ${token}' & echo started; wait`, {
        signal: ac.signal,
        onLine: (_s, line) => line === "started" && ac.abort(),
      });
      const r = await pending;
      expect(r.cancelled).toBe(true);
      expect(r.timedOut).toBe(false);
      expect(r.exitCode).toBeNull();
      expect(await survivorsOf(token)).toEqual([]);
    });

    it("does not start a step whose signal is already aborted", async () => {
      const marker = join(root, "ran-marker");
      const r = await run(`touch ${marker}`, { signal: AbortSignal.abort() });
      expect(r.cancelled).toBe(true);
      expect(existsSync(marker)).toBe(false);
    });

    it("finishes when the main process exits, even if a background child holds stdout", async () => {
      const token = uniqueToken();
      const r = await run(`sleep ${token} & echo done`);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toEqual(["done"]);
      expect(r.durationMs).toBeLessThan(4000);
      expect(await survivorsOf(token)).toEqual([]);
    });

    it("handles 10 MB of output, splitting an endless line into bounded pieces", async () => {
      const size = 10 * 1024 * 1024;
      const r = await run(`head -c ${size} /dev/zero | tr '\\0' a; echo; seq 1 200000`);
      expect(r.exitCode).toBe(0);
      const long = r.stdout.slice(0, r.stdout.length - 200000);
      expect(long.reduce((sum, l) => sum + l.length, 0)).toBe(size);
      expect(Math.max(...long.map((l) => l.length))).toBeLessThanOrEqual(64 * 1024);
      expect(r.stdout.at(-1)).toBe("200000");
    });

    describe.runIf(executor.stage)("staged steps (lifecycle step 6)", () => {
      const stage = (script: string, launch: { workspace?: string; cwd?: string } = {}) => {
        const workspace = launch.workspace ?? join(root, `ws${++n}`);
        mkdirSync(workspace, { recursive: true });
        const cwd = launch.cwd ?? workspace;
        const staged = executor.stage!({ script, cwd, workspace, env: { PATH } });
        const go = async (extra: Partial<StepInvocation> = {}): Promise<Ran> => {
          const ran: Ran = {
            stdout: [],
            stderr: [],
            lines: [],
            exitCode: null,
            timedOut: false,
            cancelled: false,
            durationMs: 0,
          };
          const outcome = await staged.run({
            script,
            cwd,
            workspace,
            env: { PATH },
            onLine: (stream, line) => {
              ran.lines.push([stream, line]);
              (stream === "stdout" ? ran.stdout : ran.stderr).push(line);
            },
            onStart: (pid) => {
              ran.pid = pid;
            },
            ...extra,
          });
          return { ...ran, ...outcome };
        };
        return { staged, go, workspace, cwd };
      };
      const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

      it("runs none of the step's code until run, then runs it as runStep would", async () => {
        const script =
          "touch marker; env; echo err >&2; ls /proc/$$/fd | grep -qx '[34]' && echo gate open || echo gate closed; exit 4";
        const s = stage(script);
        await executor.prepare?.(s.workspace);
        await pause(300);
        expect(existsSync(join(s.workspace, "marker"))).toBe(false);
        const r = await s.go();
        expect(r.exitCode).toBe(4);
        expect(r.pid).toBeGreaterThan(1);
        expect(existsSync(join(s.workspace, "marker"))).toBe(true);
        expect(r.stderr).toEqual(["err"]);
        const plain = await run(script);
        // the same environment as runStep gives (bash's own PWD aside: another workspace)
        const vars = (lines: string[]) => lines.filter((l) => l.includes("=") && !/^(_|PWD)=/.test(l));
        expect(vars(r.stdout)).toEqual(vars(plain.stdout));
        expect(r.stdout.at(-1)).toBe("gate closed");
      });

      it("counts the step's time and timeout from run, not from staging", async () => {
        const s = stage("sleep 0.3");
        await pause(700);
        const r = await s.go({ timeoutMs: 2000 });
        expect(r).toMatchObject({ exitCode: 0, timedOut: false });
        expect(r.durationMs).toBeGreaterThanOrEqual(250);
        expect(r.durationMs).toBeLessThan(700);
      });

      it("enters a working directory created after staging, and fails with 127 when it is missing at run", async () => {
        const workspace = join(root, `ws${++n}`);
        const later = stage("pwd", { workspace, cwd: join(workspace, "later") });
        await executor.prepare?.(workspace);
        mkdirSync(join(workspace, "later"));
        expect((await later.go()).stdout).toEqual([join(workspace, "later")]);
        const missing = stage("touch ../marker", { cwd: join(root, "never-made") });
        const r = await missing.go();
        expect(r.exitCode).toBe(127);
        expect(r.stderr.join("\n")).toMatch(/does not exist/);
      });

      it("kills a discarded or cancelled staged step without running it", async () => {
        const token = uniqueToken();
        const dropped = stage(`touch marker; sleep ${token}`);
        await pause(200);
        dropped.staged.discard();
        expect(await survivorsOf(token)).toEqual([]);
        expect(existsSync(join(dropped.workspace, "marker"))).toBe(false);
        const cancelled = stage("touch marker");
        const r = await cancelled.go({ signal: AbortSignal.abort() });
        expect(r.cancelled).toBe(true);
        await pause(200);
        expect(existsSync(join(cancelled.workspace, "marker"))).toBe(false);
      });

      it("ends at once, failed, when the held process was killed before its turn (timeout and cancel too)", async () => {
        const token = uniqueToken();
        const killed = stage(`touch marker; sleep ${token}`);
        await pause(300);
        const held = processesWith(token);
        expect(held.length).toBeGreaterThan(0);
        for (const pid of held) process.kill(pid, "SIGKILL");
        await pause(200);
        // a timeout and a cancel on the way must not keep it waiting either
        const r = await killed.go({ timeoutMs: 100, signal: AbortSignal.timeout(150) });
        expect(r.exitCode === 0).toBe(false);
        expect(r.exitCode !== null || r.signal !== null).toBe(true);
        expect(existsSync(join(killed.workspace, "marker"))).toBe(false);
        expect(await survivorsOf(token)).toEqual([]);
      });
    });

    it("survives output that is not valid UTF-8", async () => {
      const r = await run("printf 'ok \\xff\\xfe end\\n'; printf '\\xe2\\x82' >&2; echo fine");
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toEqual(["ok \uFFFD\uFFFD end", "fine"]);
      expect(r.stderr).toEqual(["\uFFFD"]);
    });
  });
}
