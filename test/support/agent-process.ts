/** A real `pitcrew agent` child process (needs `dist/`, built by `npm run build`). */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BIN = join(resolve(import.meta.dirname, "../.."), "bin/pitcrew.js");

/** A running agent process. */
export interface AgentProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  /** Stops it (SIGTERM, SIGKILL after 10 s unless `signal`) and removes its work dir. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `pitcrew agent --server base --token token --name name …extra` in its own work dir. */
export function startAgentProcess(base: string, token: string, name: string, extra: string[] = []): AgentProcess {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-agent-"));
  let out = "";
  const child = spawn(
    process.execPath,
    [BIN, "agent", "--server", base, "--token", token, "--name", name, "--work-dir", join(dir, "work"), ...extra],
    { cwd: dir, env: { ...process.env, NO_COLOR: "1", PITCREW_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return {
    name,
    child,
    output: () => out,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill(signal);
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
