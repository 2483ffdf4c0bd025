/**
 * A private `redis-server` child process for outage tests: its own free port and data dir (the
 * shared Redis on 6379 is never touched), append-only file fsynced on every write, so it can be
 * killed (SIGKILL, or frozen with SIGSTOP) and started again on the same port and data.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, until } from "./serve-process.js";
import { isReachable } from "./services.js";

/** A Redis server the test owns. */
export interface RedisProcess {
  url: string;
  port: number;
  /** Sends `signal` to the server (SIGKILL: waits until it is gone; SIGSTOP/SIGCONT: freezes or thaws it). */
  signal(signal: NodeJS.Signals): Promise<void>;
  /** Brings it back after {@link signal}: thaws it if frozen, starts it again on the same port and data if killed. */
  revive(): Promise<void>;
  /** Stops it for good and removes its data dir. */
  stop(): Promise<void>;
}

/** Starts a private redis-server (needs `redis-server` on the PATH). */
export async function startRedisProcess(): Promise<RedisProcess> {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-redis-"));
  const port = await freePort();
  let child: ChildProcess;
  const launch = async () => {
    let err = "";
    child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    child.stderr!.on("data", (d) => (err += d));
    child.on("error", (e) => (err += e.message));
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${err}`);
        return isReachable("127.0.0.1", port, 200);
      },
      20_000,
      "redis-server to listen",
    );
  };
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async signal(signal) {
      if (exited()) return;
      const gone = new Promise((r) => child.once("exit", r));
      child.kill(signal);
      if (signal === "SIGKILL") await gone;
    },
    async revive() {
      if (exited()) await launch();
      else child.kill("SIGCONT");
    },
    async stop() {
      if (!exited()) {
        const gone = new Promise((r) => child.once("exit", r));
        child.kill("SIGCONT");
        child.kill("SIGKILL");
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
