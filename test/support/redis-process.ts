/**
 * A private `redis-server` child process for outage tests: its own free port and data dir (the
 * shared Redis on 6379 is never touched), append-only file fsynced on every write, so it can be
 * killed (SIGKILL, or frozen with SIGSTOP) and started again on the same port and data.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Revivable, startRevivable } from "./revivable-process.js";
import { freePort, until } from "./serve-process.js";
import { isReachable } from "./services.js";

/** A Redis server the test owns; `stop()` also removes its data dir. */
export interface RedisProcess extends Revivable {
  url: string;
  port: number;
}

/** Starts a private redis-server (needs `redis-server` on the PATH). */
export async function startRedisProcess(): Promise<RedisProcess> {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-redis-"));
  const port = await freePort();
  const launch = async () => {
    let err = "";
    const child = spawn(
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
    return child;
  };
  const server = await startRevivable(launch, "SIGKILL");
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    signal: server.signal,
    revive: server.revive,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
