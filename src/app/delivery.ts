/**
 * Progressive delivery of a running pitcrew: the process target, the routers and the environments
 * of the config, wired into one `Delivery` (reached by the routes through `deliveryOf`). Replica
 * output becomes service logs (stack traces kept whole), and listener ports are remembered in the
 * store so a restarted pitcrew serves each environment on the same port.
 */
import { ValidationError } from "../common/errors.js";
import { Delivery, type EnvironmentSettings, parseStrategy } from "../deploy/index.js";
import { createBuiltinRouter } from "../deploy/index.js";
import { createNginxRouter } from "../deploy/index.js";
import type { TrafficRouter } from "../deploy/index.js";
import { createProcessTarget } from "../deploy/index.js";
import { releaseIdOf } from "../deploy/index.js";
import { parseLogLine } from "../observe/index.js";
import type { App } from "./app.js";
import { logObservationOf } from "./observe-logs.js";
import { startPipelineDeploys } from "./pipeline-deploys.js";
import { ReplicaLogBuffer } from "./replica-log-buffer.js";

const deliveries = new WeakMap<App, Delivery>();
const PORTS_KEY = "deploy.router.ports";

/** The environments of the config, strategies validated (errors name `environments[i].strategy`). */
export function environmentsOf(app: App): EnvironmentSettings[] {
  return app.config.config.environments.map((e, i) => ({
    name: e.name,
    router: e.router,
    replicas: e.replicas,
    strategy: e.strategy === undefined ? undefined : parseStrategy(e.strategy, `environments[${i}].strategy`),
    promotion: e.promotion ? { from: e.promotion.from, healthyForMs: e.promotion.healthy_for } : undefined,
    watchMs: e.watch,
    env: e.env,
  }));
}

/** The app's delivery, once started. */
export function deliveryOf(app: App): Delivery | undefined {
  return deliveries.get(app);
}

/** Options of `startDelivery` (tests shorten the timings). */
export interface StartDeliveryOptions {
  drainMs?: number;
  readyTimeoutMs?: number;
}

/**
 * Starts delivery: recovers what was live before, then takes deploys (API, CLI, the pipelines'
 * `deploy:` stage). Returns the stop function.
 */
export async function startDelivery(app: App, opts: StartDeliveryOptions = {}): Promise<() => Promise<void>> {
  const environments = environmentsOf(app);
  const logs = new ReplicaLogBuffer((records) => logObservationOf(app).logs.ingest(records, "file"), app.log);
  const target = createProcessTarget({
    readyTimeoutMs: opts.readyTimeoutMs,
    onLine: ({ releaseId, replica, stream, text }) => {
      const service = releaseProject.get(releaseId);
      if (!service) return;
      const record = parseLogLine(text, service, app.clock.now());
      // which release printed it: the heal's verification reads the incident's error per release
      record.attributes = { ...record.attributes, release: String(releaseIdOf(releaseId)) };
      logs.push(`${releaseId}/${replica}/${stream}`, record);
    },
  });
  const releaseProject = new Map<string, string>();
  const ports: Record<string, number> = JSON.parse((await app.store.settings.get(PORTS_KEY)) ?? "{}");
  const builtin = rememberingPorts(createBuiltinRouter({ ports }), ports, (p) =>
    app.store.settings.set(PORTS_KEY, JSON.stringify(p)),
  );
  const routers: Partial<Record<EnvironmentSettings["router"], TrafficRouter>> = { builtin };
  if (environments.some((e) => e.router === "nginx")) routers.nginx = await createNginxRouter();
  const delivery = new Delivery({
    store: app.store,
    events: app.events,
    bus: app.bus,
    clock: app.clock,
    log: app.log,
    dataDir: app.config.dataDir,
    target: trackingProjects(target, releaseProject, app),
    routers,
    environments,
    alerts: app.store.alerts,
    drainMs: opts.drainMs,
    buildExecutor: async (project) => {
      const { local, sandbox } = app.runner.executors;
      return (await app.store.projects.findByName(project))?.sandbox && sandbox ? sandbox : local;
    },
  });
  await delivery.recover();
  deliveries.set(app, delivery);
  const stopPipelineDeploys = startPipelineDeploys(app, delivery);
  return async () => {
    stopPipelineDeploys();
    deliveries.delete(app);
    await delivery.close();
    await target.close();
    await Promise.allSettled(Object.values(routers).map((r) => r.close()));
    await logs.flush();
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
  app: App,
): ReturnType<typeof createProcessTarget> {
  return {
    ...target,
    status: () => target.status(),
    stop: (id, o) => target.stop(id, o),
    close: () => target.close(),
    async start(spec) {
      const rel = await app.store.releases.get(releaseIdOf(spec.id)).catch(() => undefined);
      if (!rel) throw new ValidationError(`release ${spec.id} is not recorded`);
      releaseProject.set(spec.id, rel.project);
      return target.start(spec);
    },
  };
}
