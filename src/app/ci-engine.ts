/**
 * The part of the composition root every process that runs pipelines needs: the store (opened and
 * migrated), the event log and bus, the job queue, the blob store and the executors, wired into
 * the CI engine's `RunnerDeps`. `createApp` builds it first and adds the server's parts on top;
 * `pitcrew run` builds only this, so a local run loads none of observation, delivery, healing,
 * the forge or the learned models (each of them costs start-up time in module loading alone).
 */
import { join } from "node:path";
import { type Clock, systemClock } from "../common/clock.js";
import type { LoadedConfig } from "../common/config/load-config.js";
import type { Logger } from "../common/logger.js";
import { securePrivateFiles } from "../common/private-files.js";
import { createSecretBox, loadOrCreateKey, type SecretBox } from "../common/secret-box.js";
import { type Bus, createMemoryBus, EventLog } from "../events/index.js";
import { createMemoryQueue, type JobQueue } from "../queue/index.js";
import { createLocalExecutor, type RunnerDeps } from "../runner/index.js";
import { createLocalBlobStore } from "../storage/index.js";
import { createStore, migrateToLatest, openDatabase, type Store } from "../store/index.js";
import { ChangeTestSelector, createHistorySelector, DependencyRecorder, withFallback } from "../testintel/index.js";
import { probeJobSandbox } from "./job-sandbox.js";

/** The parts that run pipelines; `close()` closes what `createCiEngine` opened. */
export interface CiEngine {
  config: LoadedConfig;
  store: Store;
  events: EventLog;
  bus: Bus;
  queue: JobQueue;
  log: Logger;
  clock: Clock;
  /** Dependencies of the CI engine. */
  runner: RunnerDeps;
  /** Seals secrets at rest (the data dir's `secret.key`); the server signs its stream tickets with it. */
  secretBox: SecretBox;
  close(): Promise<void>;
}

/** How the CI engine is built. */
export interface CiEngineOptions {
  log?: Logger;
  /**
   * `pitcrew run`: the user's own code on their own machine. Steps may run unsandboxed where
   * bubblewrap is not usable, whatever the trigger, and the user's home stays visible to them.
   */
  localRun?: boolean;
}

/** Opens (and migrates) the store and wires the CI engine's parts; starts nothing yet. */
export async function createCiEngine(config: LoadedConfig, opts: CiEngineOptions = {}): Promise<CiEngine> {
  // pino is loaded only when no logger is given (`pitcrew run` passes a silent one)
  const log = opts.log ?? (await import("../common/logger.js")).createLogger({ level: config.config.log.level });
  const clock = systemClock;
  securePrivateFiles(config.dataDir);
  const buildSandbox = probeJobSandbox(config, log, { hideHome: !opts.localRun });
  const database = await openDatabase(config.databaseUrl);
  await migrateToLatest(database.db);
  const secretBox = createSecretBox(loadOrCreateKey(join(config.dataDir, "secret.key")));
  const store = createStore(database, clock, secretBox);
  securePrivateFiles(config.dataDir); // again: the database and key files may have just been created
  const onBusError = (err: unknown) => log.error({ err }, "bus subscriber failed");
  const c = config.config;
  const bus =
    c.bus.driver === "redis"
      ? await (await import("../events/redis/redis-bus.js")).createRedisBus(c.bus.redis_url, {
          onError: onBusError,
          log,
        })
      : createMemoryBus(onBusError);
  const events = new EventLog(store.events, bus, clock, log);
  const queue =
    c.queue.driver === "bullmq"
      ? await (await import("../queue/bullmq/bullmq-queue.js")).createBullmqQueue(c.queue.redis_url, log, {
          prefix: c.queue.prefix,
        })
      : createMemoryQueue(store.queueItems, clock, log);
  const st = c.storage;
  const blobs =
    st.driver === "s3"
      ? await (await import("../storage/s3/s3-blob-store.js")).createS3BlobStore({
          endpoint: st.endpoint,
          bucket: st.bucket ?? "",
          region: st.region,
          accessKeyId: st.access_key_id,
          secretAccessKey: st.secret_access_key,
          forcePathStyle: st.force_path_style,
          prefix: st.prefix,
        })
      : createLocalBlobStore(config.dataDir);
  const sandbox = await buildSandbox();
  const runner: RunnerDeps = {
    store,
    events,
    bus,
    queue,
    blobs,
    executors: { local: createLocalExecutor({ killGraceMs: c.runner.kill_grace }), sandbox },
    dataDir: config.dataDir,
    clock,
    log,
    tests: {
      selector: withFallback(new ChangeTestSelector(store), createHistorySelector(store)),
      recorder: new DependencyRecorder(store, clock),
    },
    options: {
      labels: c.runner.labels,
      local: c.runner.local || Boolean(opts.localRun),
      concurrency: c.queue.concurrency,
      leaseMs: c.queue.lease,
      keepWorkspaces: c.runner.keep_workspaces,
      orphanedJobs: c.runner.orphaned_jobs,
      limits: { log: c.limits.log, pipeline: c.limits.pipeline },
      allowUnsandboxed: c.runner.allow_unsandboxed || Boolean(opts.localRun),
    },
  };
  return {
    config,
    store,
    events,
    bus,
    queue,
    log,
    clock,
    runner,
    secretBox,
    async close() {
      await queue.close();
      await blobs.close();
      await bus.close();
      await database.close();
    },
  };
}
