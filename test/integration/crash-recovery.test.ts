/**
 * Crash safety with a real process kill: `kill -9` of a server while a job runs; after a restart
 * the run is not left running, the job fails with reason `server-restart`, the orphaned step
 * process is killed, and every log line the API showed before the kill is still there.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRepo } from "../support/git-repo.js";
import { adminToken, freePort, spawnServe, until } from "../support/serve-process.js";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!existsSync(resolve(import.meta.dirname, "../../dist/cli/main.js")))("kill -9 of the server", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  });

  it("restarts cleanly: no run stays running, logs written before the kill are kept", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-crash-"));
    const marker = join(dataDir, "..", `pitcrew-crash-pid-${Date.now()}`);
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": `jobs:\n  long:\n    steps:\n      - run: echo $$ > ${marker}; for i in $(seq 1 400); do echo "line $i"; sleep 0.02; done; sleep 60\n`,
    });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = spawnServe(dataDir, port);
    children.push(first.child);
    const token = await adminToken(dataDir);
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    // Unsandboxed (an admin's choice): the step reports its host pid through a file outside its workspace.
    const project = { name: "crash", repoUrl: repo, sandbox: false };
    expect((await api("POST", "/api/projects", project)).status).toBe(201);
    const run = (await (await api("POST", "/api/projects/crash/runs", {})).json()) as { id: number };
    const countLines = async () => {
      const body = (await (await api("GET", `/api/runs/${run.id}/logs`)).json()) as {
        jobs: { lines: { line: string }[] }[];
      };
      return body.jobs.flatMap((j) => j.lines).filter((l) => l.line.startsWith("line ")).length;
    };
    const seenBeforeKill = await until(
      async () => {
        const n = await countLines();
        return n >= 50 ? n : undefined;
      },
      30_000,
      "50 log lines",
    );
    const stepPid = Number(readFileSync(marker, "utf8"));
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    expect(alive(stepPid)).toBe(true);

    const second = spawnServe(dataDir, port);
    children.push(second.child);
    await until(
      async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok,
      20_000,
      "the restarted server",
    );
    const after = (await (await api("GET", `/api/runs/${run.id}`)).json()) as {
      status: string;
      jobs: { status: string; reason: string }[];
    };
    expect(after.status).toBe("failure");
    expect(after.jobs[0]).toMatchObject({ status: "failure", reason: "server-restart" });
    expect(await countLines()).toBeGreaterThanOrEqual(seenBeforeKill);
    await until(async () => !alive(stepPid), 20_000, "the orphaned step to be killed");
    expect(second.output()).not.toMatch(/pcr_/);
  }, 90_000);
});
