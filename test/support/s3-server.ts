/**
 * A real S3-compatible server for tests: s3rver (a dev dependency) as a child process on a free
 * port with a temp directory and one bucket. Its fixed credentials are S3RVER / S3RVER.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { isReachable } from "./services.js";
import { freePort, until } from "./serve-process.js";

const BIN = join(dirname(createRequire(import.meta.url).resolve("s3rver/package.json")), "bin/s3rver.js");

/** A running S3-compatible server. */
export interface S3Server {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The `storage:` config section that points a pitcrew server at it. */
  storageConfig(): Record<string, unknown>;
  /** Sends `signal` to the server (SIGKILL: waits until it is gone; SIGSTOP/SIGCONT: freezes or thaws it). */
  signal(signal: NodeJS.Signals): Promise<void>;
  /** Brings it back after {@link signal}: thaws it if frozen, starts it again on the same port and data if killed. */
  revive(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts s3rver with bucket `bucket` and waits until it accepts connections. */
export async function startS3Server(bucket = "pitcrew-test"): Promise<S3Server> {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-s3-"));
  const port = await freePort();
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(
      process.execPath,
      [BIN, "-d", dir, "-a", "127.0.0.1", "-p", String(port), "--silent", "--configure-bucket", bucket],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`s3rver exited (${child.exitCode}): ${err}`);
        return isReachable("127.0.0.1", port, 200);
      },
      20_000,
      "s3rver to listen",
    );
  };
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  await launch();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    storageConfig: () => ({
      driver: "s3",
      endpoint,
      bucket,
      region: "us-east-1",
      access_key_id: "S3RVER",
      secret_access_key: "S3RVER",
      force_path_style: true,
    }),
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
        child.kill("SIGTERM");
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
