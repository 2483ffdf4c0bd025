/** An in-process pitcrew (store, workers, HTTP server) on a temp data dir, for integration tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { type App, createApp } from "../../src/app/app.js";
import { configSchema } from "../../src/common/config/config-schema.js";
import { silentLogger } from "../../src/common/logger.js";
import { startWorkers } from "../../src/runner/index.js";
import { createServer } from "../../src/server/server.js";
import { isFinished } from "../../src/store/index.js";

/** A running test instance. */
export interface TestApp {
  app: App;
  server: FastifyInstance;
  dataDir: string;
  adminToken: string;
  /** Waits until run `id` finishes and returns its status. */
  waitForRun(id: number, timeoutMs?: number): Promise<string>;
  dispose(): Promise<void>;
}

/** Starts pitcrew in this process with a fresh SQLite data dir (or `databaseUrl`). */
export async function startTestApp(opts: { databaseUrl?: string; concurrency?: number } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-app-"));
  const config = configSchema.parse({ queue: { concurrency: opts.concurrency ?? 2 }, runner: { kill_grace: "1s" } });
  const app = await createApp(
    { config, dataDir, databaseUrl: opts.databaseUrl ?? `sqlite:${join(dataDir, "pitcrew.db")}` },
    { log: silentLogger() },
  );
  await startWorkers(app.runner);
  const server = createServer(app);
  await server.ready();
  const { token } = await app.store.tokens.create("test-admin", "admin");
  return {
    app,
    server,
    dataDir,
    adminToken: token,
    async waitForRun(id, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const run = await app.store.runs.get(id);
        if (isFinished(run.status)) return run.status;
        if (Date.now() > end) throw new Error(`run ${id} still ${run.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async dispose() {
      await server.close();
      await app.close();
      // a git process may still be finishing in a checkout (e.g. auto gc): retry instead of failing
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}
