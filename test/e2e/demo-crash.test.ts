/**
 * The heal survives `kill -9` at its states: `pitcrew demo` plays the pricing service's
 * ZeroDivisionError; each time the heal reaches one of the watched states the whole demo process
 * is killed with SIGKILL and started again with `--resume` (in verifying only when the heal is seen
 * there: a fix its canary already proved leaves it at once). The heal must resume where it was —
 * one repair attempt, every state of the fix path entered once, resolved — and no process of the
 * demo may outlive the last run.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { demoBuilt, processesIn, startDemo } from "../support/demo-process.js";

const FIX_PATH = ["repairing", "pr_open", "ci_running", "merging", "deploying", "verifying", "resolved"];
const ORDER = ["detected", "diagnosing", ...FIX_PATH];
/** Where the demo is killed: once in each group, when the heal is seen in one of its states. */
const KILL_AT = [["diagnosing", "repairing"], ["pr_open", "ci_running", "merging"], ["deploying"], ["verifying"]];

/** The pricing scenario, resuming after the first run. */
const startPricing = (dataDir: string, resume: boolean) =>
  startDemo(dataDir, ["--scenario", "pricing-zero-division", ...(resume ? ["--resume"] : [])]);

describe.skipIf(!demoBuilt)("kill -9 during a heal", () => {
  it("resumes the pricing heal where it was after each kill, and ends resolved", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-demo-crash-"));
    const dbFile = join(dataDir, "demo", "pitcrew.db");
    let demo = startPricing(dataDir, false);
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
          if (demo.child.exitCode !== null) throw new Error(`the demo ended early:\n${story}${demo.story()}`);
          if (state && group.includes(state)) break;
          if (state && ORDER.indexOf(state) > ORDER.indexOf(group.at(-1)!)) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const state = healState()!;
        if (!group.includes(state)) continue; // passed this group between two polls
        demo.child.kill("SIGKILL");
        await demo.exited;
        killedAt.push(state);
        story += `${demo.story()}--- kill -9 at ${state} ---\n`;
        demo = startPricing(dataDir, true);
      }
      const code = await demo.exited;
      story += demo.story();
      const [result] = (JSON.parse(demo.out()) as { results: { healed: boolean; branch: string[] }[] }).results;
      expect(killedAt, story).toContain("deploying");
      // verification mostly ends at its first look now (the fix's canary traffic already proved it:
      // heal/actions/fix-proof.ts), so a kill in verifying happens by chance; it resumes like the rest
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
