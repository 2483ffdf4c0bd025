/**
 * The demo end to end, as a user runs it: `pitcrew demo --headless --once` as a real process on a
 * fresh data dir seeds the shop onto the forge, builds it with CI, deploys it, puts it under
 * traffic and plays the bad-release scenario, which must end in an automatic rollback decided
 * by the canary analysis; the process exits 0 only when the scenario healed.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../../bin/pitcrew.js");

describe.skipIf(!existsSync(resolve(import.meta.dirname, "../../dist/cli/main.js")))("pitcrew demo", () => {
  it("ships a bad catalog release by canary and the analysis rolls it back by itself", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-demo-"));
    try {
      const child = spawn(
        process.execPath,
        [BIN, "demo", "--headless", "--once", "--port", "0", "--scenario", "catalog-bad-release"],
        { env: { ...process.env, PITCREW_DATA_DIR: dataDir, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      const code = await new Promise<number | null>((r) => child.once("exit", r));
      expect(out, out).toMatch(/the shop is open at http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toMatch(/shop-catalog\/production: release \d+ rolled back: analysis failed: .*error rate/);
      expect(out).toMatch(
        /catalog-bad-release\s+bad-release\s+canary analysis\s+.*automatic rollback\s+shop-catalog#1/,
      );
      expect(code, out).toBe(0);
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
  }, 240_000);
});
