/**
 * Progressive delivery of a running pitcrew, built once from config: the process target, the
 * routers and the environments wired into one `Delivery`, whose PromQL analysis checks query the
 * app's metrics source. Replica output becomes service logs (stack traces kept whole), and
 * listener ports are remembered in the store so a restarted pitcrew serves each environment on
 * the same port. `startDelivery` recovers what was live and takes the pipelines' deploy stage.
 */
import { ValidationError } from "../common/errors.js";
import {
  createBuiltinRouter,
  createNginxRouter,
  createProcessTarget,
  Delivery,
  type EnvironmentSettings,
  parseStrategy,
  releaseIdOf,
  scalarQuery,
  startPipelineDeploys,
  type TrafficRouter,
} from "../deploy/index.js";
import { parseLogLine, ReplicaLogBuffer } from "../observe/index.js";
import type { App } from "./app.js";
import type { Core } from "./core.js";
import type { Observation } from "./observation.js";
import { replicaScraping } from "./replica-scraping.js";

const PORTS_KEY = "deploy.router.ports";

/** How delivery is built (tests shorten the timings). */
export interface DeliveryOptions {
  /** SIGTERM-to-SIGKILL time when stopping replicas. */
  drainMs?: number;
  /** How long a replica may take to become ready. */
  readyTimeoutMs?: number;
}

/** The built delivery and what closes the processes, routers and log buffer under it. */
export interface BuiltDelivery {
  delivery: Delivery;
  close(): Promise<void>;
}

/** The environments of the config, strategies validated (errors name `environments[i].strategy`). */
export function environmentsOf(core: Pick<Core, "config">): EnvironmentSettings[] {
  return core.config.config.environments.map((e, i) => ({
    name: e.name,
    router: e.router,
    replicas: e.replicas,
    strategy: e.strategy === undefined ? undefined : parseStrategy(e.strategy, `environments[${i}].strategy`),
    promotion: e.promotion ? { from: e.promotion.from, healthyForMs: e.promotion.healthy_for } : undefined,
    watchMs: e.watch,
    // read when a release is made: an entry point may add variables once it serves (the demo's
    // OTLP endpoint and token), after the App was built
    get env() {
      return core.config.config.environments[i]?.env;
    },
  }));
}

/** Builds delivery (nothing is started: `startDelivery` recovers the live releases). */
export async function buildDelivery(
  core: Core,
  observation: Observation,
  opts: DeliveryOptions,
): Promise<BuiltDelivery> {
  const { store, clock, log } = core;
  const environments = environmentsOf(core);
  const logs = new ReplicaLogBuffer((records) => observation.logs.ingest(records, "file"), log);
  const releaseProject = new Map<string, string>();
  const target = createProcessTarget({
    readyTimeoutMs: opts.readyTimeoutMs,
    announcer: replicaScraping(core, observation.scrapers, (id) => releaseProject.get(id)),
    onLine: ({ releaseId, replica, stream, text }) => {
      const service = releaseProject.get(releaseId);
      if (!service) return;
      const record = parseLogLine(text, service, clock.now());
      // which release printed it: the heal's verification reads the incident's error per release
      record.attributes = { ...record.attributes, release: String(releaseIdOf(releaseId)) };
      logs.push(`${releaseId}/${replica}/${stream}`, record);
    },
  });
  const ports: Record<string, number> = JSON.parse((await store.settings.get(PORTS_KEY)) ?? "{}");
  const builtin = rememberingPorts(createBuiltinRouter({ ports }), ports, (p) =>
    store.settings.set(PORTS_KEY, JSON.stringify(p)),
  );
  const routers: Partial<Record<EnvironmentSettings["router"], TrafficRouter>> = { builtin };
  if (environments.some((e) => e.router === "nginx")) routers.nginx = await createNginxRouter();
  const delivery = new Delivery({
    store,
    events: core.events,
    bus: core.bus,
    clock,
    log,
    dataDir: core.config.dataDir,
    target: trackingProjects(target, releaseProject, core),
    routers,
    environments,
    alerts: store.alerts,
    query: scalarQuery(observation.metrics, clock),
    drainMs: opts.drainMs,
    buildExecutor: async (project) => {
      const { local, sandbox } = core.runner.executors;
      return (await store.projects.findByName(project))?.sandbox && sandbox ? sandbox : local;
    },
  });
  return {
    delivery,
    async close() {
      await delivery.close();
      await target.close();
      await Promise.allSettled(Object.values(routers).map((r) => r.close()));
      await logs.flush();
    },
  };
}

/**
 * Starts delivery: recovers what was live before, then takes the pipelines' `deploy:` stage.
 * Returns the stop function (in-flight rollouts and watches end; the app closes the processes).
 */
export async function startDelivery(app: App & { delivery: Delivery }): Promise<() => Promise<void>> {
  await app.delivery.recover();
  const stopPipelineDeploys = await startPipelineDeploys(app, app.delivery);
  return async () => {
    stopPipelineDeploys();
    await app.delivery.close();
  };
}

/** Wraps a router so each new listener's port is saved (and reused after a restart). */
function rememberingPorts(
  router: TrafficRouter,
  ports: Record<string, number>,
  save: (ports: Record<string, number>) => Promise<void>,
): TrafficRouter {
  return {
    ...router,
    port: (env) => router.port(env),
    url: (env) => router.url(env),
    metrics: (id) => router.metrics(id),
    samples: (id, since) => router.samples(id, since),
    close: () => router.close(),
    async setBackends(env, backends) {
      await router.setBackends(env, backends);
      if (ports[env] === undefined) {
        ports[env] = router.port(env);
        await save(ports);
      }
    },
  };
}

/** Learns which project each release id belongs to as the target starts it (for log lines). */
function trackingProjects(
  target: ReturnType<typeof createProcessTarget>,
  releaseProject: Map<string, string>,
  core: Core,
): ReturnType<typeof createProcessTarget> {
  return {
    ...target,
    status: () => target.status(),
    stop: (id, o) => target.stop(id, o),
    close: () => target.close(),
    async start(spec) {
      const rel = await core.store.releases.get(releaseIdOf(spec.id)).catch(() => undefined);
      if (!rel) throw new ValidationError(`release ${spec.id} is not recorded`);
      releaseProject.set(spec.id, rel.project);
      return target.start(spec);
    },
  };
}
