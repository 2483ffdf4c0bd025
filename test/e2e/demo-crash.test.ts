/**
 * The heal survives `kill -9` at its states: `pitcrew demo` plays the pricing service's
 * ZeroDivisionError; each time the heal reaches one of the watched states the whole demo process
 * is killed with SIGKILL and started again with `--resume`. The heal must resume where it was —
 * one repair attempt, every state of the fix path entered once, resolved — and no process of the
 * demo may outlive the last run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../../bin/pitcrew.js");
const FIX_PATH = ["repairing", "pr_open", "ci_running", "merging", "deploying", "verifying", "resolved"];
const ORDER = ["detected", "diagnosing", ...FIX_PATH];
/** Where the demo is killed: once in each group, when the heal is seen in one of its states. */
const KILL_AT = [["diagnosing", "repairing"], ["pr_open", "ci_running", "merging"], ["deploying"], ["verifying"]];

/** Starts the demo (resuming after the first run); collects its output. */
function startDemo(dataDir: string, resume: boolean): { child: ChildProcess; out: () => string; log: () => string } {
  const args = ["demo", "--headless", "--once", "--json", "--port", "0", "--scenario", "pricing-zero-division"];
  const child = spawn(process.execPath, [BIN, ...args, ...(resume ? ["--resume"] : [])], {
    env: { ...process.env, PITCREW_DATA_DIR: dataDir, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let log = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (log += d));
  return { child, out: () => out, log: () => log };
}

/** Processes whose working directory is inside `dir`. */
function processesIn(dir: string): string[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/cwd`).startsWith(dir);
      } catch {
        return false;
      }
    });
}

describe.skipIf(!existsSync(resolve(import.meta.dirname, "../../dist/cli/main.js")))("kill -9 during a heal", () => {
  it("resumes the pricing heal where it was after each kill, and ends resolved", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-demo-crash-"));
    const dbFile = join(dataDir, "demo", "pitcrew.db");
    let demo = startDemo(dataDir, false);
    let story = "";
    const killedAt: string[] = [];
    try {
      let db: Database.Database | undefined;
      const healState = (): string | undefined => {
        if (!db && existsSync(dbFile)) db = new Database(dbFile, { readonly: true, fileMustExist: true });
        try {
          return (
            db?.prepare("select state from heals where service = 'pricing' order by id desc limit 1").get() as
              | { state: string }
              | undefined
          )?.state;
        } catch {
          return undefined; // the schema is not there yet
        }
      };
      for (const group of KILL_AT) {
        for (;;) {
          const state = healState();
          if (demo.child.exitCode !== null) throw new Error(`the demo ended early:\n${story}${demo.log()}`);
          if (state && group.includes(state)) break;
          if (state && ORDER.indexOf(state) > ORDER.indexOf(group.at(-1)!)) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const state = healState()!;
        if (!group.includes(state)) continue; // passed this group between two polls
        demo.child.kill("SIGKILL");
        await new Promise((r) => demo.child.once("exit", r));
        killedAt.push(state);
        story += `${demo.log()}--- kill -9 at ${state} ---\n`;
        demo = startDemo(dataDir, true);
      }
      const code = await new Promise<number | null>((r) => demo.child.once("exit", r));
      story += demo.log();
      const [result] = (JSON.parse(demo.out()) as { results: { healed: boolean; branch: string[] }[] }).results;
      expect(killedAt, story).toContain("deploying");
      expect(killedAt, story).toContain("verifying");
      expect(killedAt.length, story).toBeGreaterThanOrEqual(3);
      expect(result?.healed, story).toBe(true);
      expect(code, story).toBe(0);
      // resumed, not restarted: one attempt, and each state of the fix path entered exactly once
      const heal = db!.prepare("select id, attempts, state from heals where service = 'pricing'").all() as {
        id: number;
        attempts: number;
        state: string;
      }[];
      expect(heal, story).toEqual([expect.objectContaining({ attempts: 1, state: "resolved" })]);
      const entered = (
        db!.prepare("select to_state from heal_timeline where heal_id = ? order by id").all(heal[0]!.id) as {
          to_state: string;
        }[]
      ).map((e) => e.to_state);
      expect(
        entered.filter((s) => FIX_PATH.includes(s)),
        story,
      ).toEqual(FIX_PATH);
      db!.close();
      // the demo shut down cleanly: no replica, traffic generator or CI step is left
      const deadline = Date.now() + 15_000;
      while (processesIn(dataDir).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect(processesIn(dataDir)).toEqual([]);
    } finally {
      if (demo.child.exitCode === null) demo.child.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  }, 900_000);
});
