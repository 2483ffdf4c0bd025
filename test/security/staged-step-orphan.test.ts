/**
 * A step staged ahead of its turn never runs when pitcrew dies while holding it (SIGKILL: no
 * clean-up of pitcrew's own), and nothing of it is left (real processes, real bubblewrap).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { isSandboxAvailable } from "../../src/runner/executors/sandbox/sandbox-executor.js";
import { resolveStepUser } from "../../src/runner/executors/sandbox/step-user.js";
import { serviceAvailable } from "../support/services.js";

const HOLDER = join(import.meta.dirname, "../fixtures/runner/stage-and-wait.ts");
const available = await serviceAvailable("bubblewrap (a working `bwrap`)", isSandboxAvailable);
const nobody = process.getuid?.() === 0 ? resolveStepUser("nobody") : undefined;
const users = [undefined, ...(nobody && available && (await isSandboxAvailable(nobody)) ? ["nobody"] : [])];

/** Pids of live processes whose command line contains `token`. */
function processesWith(token: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, "latin1").includes(token);
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

describe.runIf(available)("a staged step when pitcrew dies holding it", () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "pitcrew-orphan-")));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(users)("never runs and leaves no process (step user: %s)", async (user) => {
    const workspace = join(root, user ?? "self");
    mkdirSync(workspace);
    const token = `orphan-${process.pid}-${Date.now()}`;
    const script = `touch marker; echo "$SECRET" > secret; sleep 1; : ${token}`;
    const holder = spawn(process.execPath, ["--import", "tsx", HOLDER, workspace, script, ...(user ? [user] : [])], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    holder.stdout.on("data", (c: Buffer) => {
      out += c;
    });
    while (!out.includes("staged")) await once(holder.stdout, "data");
    await new Promise((r) => setTimeout(r, 500)); // bubblewrap has set the sandbox up and holds it
    expect(processesWith(token).length).toBeGreaterThan(0);
    holder.kill("SIGKILL");
    await once(holder, "exit");
    await new Promise((r) => setTimeout(r, 3000));
    expect(existsSync(join(workspace, "marker"))).toBe(false);
    expect(existsSync(join(workspace, "secret"))).toBe(false);
    expect(processesWith(token)).toEqual([]);
  });
});
