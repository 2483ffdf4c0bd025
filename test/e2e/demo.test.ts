/**
 * The demo end to end, as a user runs it: `pitcrew demo --headless --once --json` as a real
 * process on a fresh data dir seeds the shop onto the forge, builds it with CI, deploys it, puts
 * it under traffic and plays every fault scenario. Each must heal through its expected branch:
 * pattern or config fixes through a merged pull request, a canary and a verification (the alert
 * resolved), the bad release through an automatic rollback. No replica may outlive the demo.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../../bin/pitcrew.js");

interface Result {
  scenario: string;
  healed: boolean;
  action: string;
  pr: string;
  branch: string[];
}

/** The heal states a fix through a pull request passes, in order. */
const FIX_PATH = ["repairing", "pr_open", "ci_running", "merging", "deploying", "verifying", "resolved"];

/** Whether `states` contains `path` as a subsequence. */
const follows = (states: string[], path: string[]) => {
  let i = 0;
  for (const s of states) if (s === path[i]) i++;
  return i === path.length;
};

describe.skipIf(!existsSync(resolve(import.meta.dirname, "../../dist/cli/main.js")))("pitcrew demo", () => {
  it("heals every fault of the shop through its expected branch", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-demo-"));
    try {
      const child = spawn(process.execPath, [BIN, "demo", "--headless", "--once", "--json", "--port", "0"], {
        env: { ...process.env, PITCREW_DATA_DIR: dataDir, NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let story = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (story += d));
      const code = await new Promise<number | null>((r) => child.once("exit", r));
      expect(story).toMatch(/the shop is open at http:\/\/127\.0\.0\.1:\d+/);
      const { results } = JSON.parse(out) as { results: Result[] };
      const by = (name: string) => results.find((r) => r.scenario === name)!;
      expect(results.map((r) => r.scenario).sort(), story).toEqual([
        "cart-null-dereference",
        "catalog-bad-release",
        "gateway-catalog-timeout",
        "pricing-zero-division",
      ]);
      for (const name of ["cart-null-dereference", "pricing-zero-division", "gateway-catalog-timeout"]) {
        expect(by(name).healed, `${name}: ${JSON.stringify(by(name))}\n${story}`).toBe(true);
        expect(follows(by(name).branch, FIX_PATH), `${name}: ${by(name).branch.join(" → ")}`).toBe(true);
        expect(by(name).pr).toMatch(/^shop-[a-z]+#\d+$/);
      }
      expect(by("catalog-bad-release")).toMatchObject({ healed: true, action: "automatic rollback" });
      expect(story).toMatch(/shop-catalog\/production: release \d+ rolled back: analysis failed: .*error rate/);
      expect(code, story).toBe(0);
      // no replica outlives the demo: no process still runs inside the data dir
      const leftovers = readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return readlinkSync(`/proc/${p}/cwd`).startsWith(dataDir);
          } catch {
            return false;
          }
        });
      expect(leftovers).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 900_000);
});
