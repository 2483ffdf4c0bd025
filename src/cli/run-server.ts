/**
 * `pitcrew serve` put together: config → app → bootstrap token → workers, polling, cron,
 * observation, delivery, the healing loop → HTTP server (and the OTLP/gRPC receiver when
 * `observe.otlp_grpc` is set), with graceful shutdown on SIGINT/SIGTERM,
 * and optionally the bundled example run.
 */
import { resolve } from "node:path";
import { color } from "./output.js";
import { loadConfig } from "../common/config/load-config.js";
import { startForgeAutomation } from "../forge/index.js";
import { startCron, startPolling, startRequeuePass, startWorkers, triggerRun } from "../runner/index.js";
import { snapshotDirectory } from "../runner/index.js";
import { createServer } from "../server/server.js";
import { type OtlpGrpcReceiver, startOtlpGrpc } from "../server/otlp-grpc.js";
import { callBudgets } from "../server/rate-limits.js";
import { type App, createApp, registerConfiguredProjects } from "../app/app.js";
import { bootstrapAdminToken } from "../app/bootstrap.js";
import { showAdminToken } from "./show-admin-token.js";
import { startDelivery } from "../app/delivery.js";
import { startHealing } from "../app/healing.js";
import { startAnomalyObservation } from "../app/observe-anomalies.js";
import { startModelRetraining } from "../app/model-retraining.js";
import { startOnlineModelUpdates } from "../app/online-model-updates.js";
import { startAnomalyCheckpoints } from "../app/calibration-schedule.js";
import { startLogTemplateCheckpoints } from "../app/log-template-checkpoints.js";
import { startFailureExplanations } from "../failures/index.js";
import { startLogObservation } from "../app/observe-logs.js";
import { startMetricsObservation } from "../app/observe-metrics.js";
import { startLeadership } from "../queue/index.js";

/** Where the bundled example project lives (relative to the package root). */
const EXAMPLE = resolve(import.meta.dirname, "../../examples/hello-ci");

/** Options of `pitcrew serve`. */
export interface ServeOptions {
  configFile?: string;
  port?: string;
  host?: string;
  example: boolean;
}

/** Starts the server and keeps it running until a signal stops it. */
export async function runServer(opts: ServeOptions): Promise<void> {
  const loaded = loadConfig({ file: opts.configFile });
  if (opts.port !== undefined) loaded.config.server.port = Number(opts.port);
  if (opts.host) loaded.config.server.host = opts.host;
  const app = await createApp(loaded, { delivery: {} });
  await registerConfiguredProjects(app);
  const token = await bootstrapAdminToken(app);
  // On PostgreSQL or a Redis queue other replicas may be running jobs: never orphan them at start.
  const sharedWithReplicas = app.store.database.dialect === "postgres" || loaded.config.queue.driver === "bullmq";
  await startWorkers(app.runner, { sharedWithReplicas });
  const stopAgents = await app.agents.start({ sharedWithReplicas });
  // Polling, cron, the requeue pass, model retraining, online model updates, calibration and log template checkpoints and the forge automation (PR runs,
  // commit checks) happen once across replicas: only the holder of the leader lease runs them.
  let leading = false;
  const leadership = startLeadership({
    leases: app.store.leases,
    clock: app.clock,
    log: app.log,
    name: "leader",
    ttlMs: loaded.config.server.leader_lease,
    lead: () => {
      leading = true;
      const stopPolling = startPolling(app.runner);
      const stopCron = startCron(app.runner);
      const stopRequeue = startRequeuePass(app.runner);
      const stopModelRetraining = startModelRetraining(app);
      const stopOnlineUpdates = startOnlineModelUpdates(app);
      const stopAnomalyCheckpoints = startAnomalyCheckpoints(app);
      const stopLogTemplateCheckpoints = startLogTemplateCheckpoints(app);
      const stopForgeAutomation = startForgeAutomation({
        forge: app.forge,
        runner: app.runner,
        bus: app.bus,
        log: app.log,
      });
      return () => {
        leading = false;
        stopPolling();
        stopCron();
        stopRequeue();
        stopModelRetraining();
        stopOnlineUpdates();
        stopAnomalyCheckpoints();
        stopLogTemplateCheckpoints();
        stopForgeAutomation();
      };
    },
  });
  const stopLogObservation = startLogObservation(app);
  const stopFailureExplanations = startFailureExplanations(app);
  const stopMetricsObservation = startMetricsObservation(app);
  // every replica scores its samples; the leader's are the stored stream its checkpoints replay
  // the log templates are restored in the background: serve listens at once
  const stopAnomalyObservation = await startAnomalyObservation(app, {
    recordInputs: () => leading,
    restoreInBackground: true,
  });
  const stopDelivery = await startDelivery(app);
  const stopHealing = startHealing(app);
  const server = createServer(app);
  const { host, port } = loaded.config.server;
  const address = await server.listen({ host, port });
  const say = (s: string) => process.stdout.write(`${s}\n`);
  say(`${color.bold("pitcrew")} listening on ${address}  (store: ${app.store.database.description})`);
  if (token) showAdminToken(token, app.config.dataDir, say);
  let otlpGrpc: OtlpGrpcReceiver | undefined;
  const shutdown = async (why: string, code = 0) => {
    say(color.dim(`\n${why}: shutting down`));
    await leadership.stop();
    stopLogObservation();
    stopFailureExplanations();
    stopMetricsObservation();
    stopAnomalyObservation();
    stopHealing();
    stopAgents();
    await server.close();
    await otlpGrpc?.stop();
    await stopDelivery();
    await app.close();
    process.exit(code);
  };
  const grpcAt = loaded.config.observe.otlp_grpc;
  if (grpcAt) {
    try {
      otlpGrpc = await startOtlpGrpc(app, grpcAt, callBudgets(server, loaded.config.limits.rate_limit));
      say(`OTLP/gRPC receiver on ${grpcAt.host}:${otlpGrpc.port}`);
    } catch (err) {
      process.stderr.write(
        `pitcrew: cannot listen for OTLP/gRPC on ${grpcAt.host}:${grpcAt.port} (observe.otlp_grpc): ${(err as Error).message}\n`,
      );
      await shutdown("OTLP/gRPC receiver", 1);
    }
  }
  if (opts.example) await runExample(app, say, address);
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

async function runExample(app: App, say: (s: string) => void, address: string) {
  const name = "hello-ci";
  const repo = resolve(app.config.dataDir, "examples", `${name}.git`);
  const commit = await snapshotDirectory(EXAMPLE, repo, "main");
  const project =
    (await app.store.projects.findByName(name)) ??
    (await app.store.projects.create({ name, repoUrl: repo, defaultBranch: "main" }));
  const res = await triggerRun(app.runner, project.id, { event: "manual", commit, triggeredBy: "example" });
  if (!res.run) return;
  const runId = res.run.id;
  say(`Example project '${name}': run #${res.run.number} started — follow it with:`);
  say(`  curl -H "Authorization: Bearer $PITCREW_TOKEN" ${address}/api/runs/${runId}`);
  say(`  npx pitcrew logs ${runId} --follow`);
  const off = app.bus.subscribe((m) => {
    if (m.kind === "event" && m.event.subject === `run:${runId}`) {
      const d = m.event.data as Record<string, unknown>;
      if (m.event.type === "job.finished") say(`  job ${d.key}: ${d.status}${d.reason ? ` (${d.reason})` : ""}`);
      if (m.event.type === "run.finished") {
        say(`  run #${res.run!.number}: ${d.status}${d.reason ? ` — ${d.reason}` : ""}`);
        off();
      }
    }
  });
}
