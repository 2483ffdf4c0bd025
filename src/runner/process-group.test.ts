import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { isProcessGroupAlive, killProcessGroup, terminateProcessGroup } from "./process-group.js";

const startGroup = async (script: string) => {
  const child = spawn("bash", ["-c", script], { detached: true, stdio: "ignore" });
  await once(child, "spawn");
  return child;
};
const until = async (cond: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
};

describe("process groups", () => {
  it("sees a live group and kills every member of it", async () => {
    const child = await startGroup("sleep 60 & sleep 60 & wait");
    const pgid = child.pid!;
    expect(isProcessGroupAlive(pgid)).toBe(true);
    expect(killProcessGroup(pgid, "SIGKILL")).toBe(true);
    expect(await until(() => !isProcessGroupAlive(pgid))).toBe(true);
    expect(killProcessGroup(pgid, "SIGKILL")).toBe(false);
  });

  it("refuses nonsense group ids instead of signalling everything", () => {
    expect(killProcessGroup(0, 0)).toBe(false);
    expect(killProcessGroup(1, 0)).toBe(false);
    expect(killProcessGroup(-5, 0)).toBe(false);
    expect(isProcessGroupAlive(Number.NaN)).toBe(false);
  });

  it("escalates to SIGKILL after the grace period when SIGTERM is ignored", async () => {
    const child = spawn("bash", ["-c", "trap '' TERM; sleep 60 & echo ready; wait; wait"], {
      detached: true,
      stdio: ["ignore", "pipe", "ignore"],
    });
    await once(child.stdout, "data");
    const pgid = child.pid!;
    const started = Date.now();
    terminateProcessGroup(pgid, 300);
    await new Promise((r) => setTimeout(r, 150));
    expect(isProcessGroupAlive(pgid)).toBe(true);
    expect(await until(() => !isProcessGroupAlive(pgid))).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});
