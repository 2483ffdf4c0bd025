/** An in-process pitcrew (store, workers, HTTP server) on a temp data dir, for integration tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { type App, type AppOptions, createApp, type DeliveringApp } from "../../src/app/app.js";
import type { DeliveryOptions } from "../../src/app/delivery.js";
import { type Config, configSchema } from "../../src/common/config/config-schema.js";
import { silentLogger } from "../../src/common/logger.js";
import { startWorkers } from "../../src/runner/index.js";
import { createServer } from "../../src/server/server.js";
import { isFinished } from "../../src/store/index.js";

/** A running test instance. */
export interface TestApp<A extends App = App> {
  app: A;
  server: FastifyInstance;
  dataDir: string;
  adminToken: string;
  /** Waits until run `id` finishes and returns its status. */
  waitForRun(id: number, timeoutMs?: number): Promise<string>;
  dispose(): Promise<void>;
}

/** How a test instance is made. */
export interface TestAppOptions extends Omit<AppOptions, "log"> {
  databaseUrl?: string;
  concurrency?: number;
  /** Changes the parsed config before the app is built from it (e.g. its environments). */
  configure?: (config: Config) => void;
}

/** Starts pitcrew in this process with a fresh SQLite data dir (or `databaseUrl`). */
export function startTestApp(opts: TestAppOptions & { delivery: DeliveryOptions }): Promise<TestApp<DeliveringApp>>;
export function startTestApp(opts?: TestAppOptions): Promise<TestApp>;
export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-app-"));
  const { databaseUrl, concurrency, configure, ...appOptions } = opts;
  const config = configSchema.parse({ queue: { concurrency: concurrency ?? 2 }, runner: { kill_grace: "1s" } });
  configure?.(config);
  const app = await createApp(
    { config, dataDir, databaseUrl: databaseUrl ?? `sqlite:${join(dataDir, "pitcrew.db")}` },
    { ...appOptions, log: silentLogger() },
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
