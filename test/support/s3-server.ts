/**
 * A real S3-compatible server for tests: s3rver (a dev dependency) as a child process on a free
 * port with a temp directory and one bucket. Its fixed credentials are S3RVER / S3RVER.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Revivable, startRevivable } from "./revivable-process.js";
import { isReachable } from "./services.js";
import { freePort, until } from "./serve-process.js";

const BIN = join(dirname(createRequire(import.meta.url).resolve("s3rver/package.json")), "bin/s3rver.js");

/** A running S3-compatible server; `stop()` also removes its directory. */
export interface S3Server extends Revivable {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The `storage:` config section that points a pitcrew server at it. */
  storageConfig(): Record<string, unknown>;
}

/** Starts s3rver with bucket `bucket` and waits until it accepts connections. */
export async function startS3Server(bucket = "pitcrew-test"): Promise<S3Server> {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-s3-"));
  const port = await freePort();
  const launch = async () => {
    const child = spawn(
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
    return child;
  };
  const server = await startRevivable(launch, "SIGTERM");
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
    signal: server.signal,
    revive: server.revive,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
