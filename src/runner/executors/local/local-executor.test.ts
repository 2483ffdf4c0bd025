import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { isProcessGroupAlive } from "../../process-group.js";
import { createLocalExecutor } from "./local-executor.js";

const ws = mkdtempSync(join(tmpdir(), "pitcrew-local-"));
afterAll(() => rmSync(ws, { recursive: true, force: true }));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("local executor", () => {
  it("runs the step as the leader of its own process group and reaps the group on timeout", async () => {
    const lines: string[] = [];
    let pid = 0;
    const res = await createLocalExecutor({ killGraceMs: 200 }).runStep({
      script: "echo $$; bash -c 'echo $$; sleep 60' & wait",
      cwd: ws,
      workspace: ws,
      env: { PATH: "/usr/bin:/bin" },
      timeoutMs: 500,
      onStart: (p) => {
        pid = p;
      },
      onLine: (_s, l) => lines.push(l),
    });
    expect(res.timedOut).toBe(true);
    const [shell, grandchild] = lines.map(Number);
    expect(shell).toBe(pid);
    expect(grandchild).toBeGreaterThan(1);
    // killed processes may linger as zombies until their new parent reaps them: wait for that
    await vi.waitFor(() => expect(alive(grandchild!)).toBe(false), { timeout: 10_000, interval: 50 });
    await vi.waitFor(() => expect(isProcessGroupAlive(pid)).toBe(false), { timeout: 10_000, interval: 50 });
  });

  it("does not depend on the step's PATH to find bash", async () => {
    const lines: string[] = [];
    const res = await createLocalExecutor().runStep({
      script: "echo started without PATH",
      cwd: ws,
      workspace: ws,
      env: {},
      onLine: (_s, l) => lines.push(l),
    });
    expect(res.exitCode).toBe(0);
    expect(lines).toEqual(["started without PATH"]);
  });
});
