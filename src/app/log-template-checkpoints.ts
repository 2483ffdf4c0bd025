/**
 * Checkpoints of the log template watcher (`log-templates`, scope `service:<name>`), leader only:
 * every `observe.anomaly_checkpoint`, for each registered service, the live version is checked for
 * drift over the last interval of stored log lines (template distribution and new-template share
 * against its profile, false-alarm rate against its figure; past a bound `model.drift` is
 * emitted), then updated online with the lines stored since it (`updateModelOnline`, behind the
 * validation gate). A kept update is the new live version, what a restart restores. A rolled-back
 * one is only not stored as live: the serving templates (the live version plus every line since,
 * mined as it arrived) stay as they are, so nothing learnt since is forgotten.
 */
import { ConflictError, ValidationError } from "../common/errors.js";
import { LOG_TEMPLATES, type LogTemplateWatcher, logTemplatesScope, restoreLogTemplates } from "../detect/index.js";
import { checkDrift, type DriftReport } from "../learning/index.js";
import type { ModelVersion } from "../store/index.js";
import type { App } from "./app.js";
import { updateModelOnline } from "./online-model-updates.js";

/**
 * Checkpoints `service`'s log templates now and returns the stored version. The serving watcher is
 * left as it is whatever the gate decides: a refused candidate is simply not the live version.
 */
export function checkpointLogTemplates(app: App, service: string): Promise<ModelVersion> {
  return updateModelOnline(app, LOG_TEMPLATES, logTemplatesScope(service));
}

/**
 * Puts `service`'s serving templates back to its live version after a rollback, then mines the
 * stored lines since it (without findings), so the templates of those lines are not news again.
 * With no live version (rolled back to the shipped default) the service learns again.
 */
export async function resetLogTemplates(
  app: App,
  service: string,
  watcher: LogTemplateWatcher = app.observation.logTemplates,
): Promise<void> {
  if ((await app.store.modelVersions.live(LOG_TEMPLATES, logTemplatesScope(service))) === undefined) {
    watcher.forget(service);
    return;
  }
  const codeVersion = app.models.model(LOG_TEMPLATES).codeVersion;
  await restoreLogTemplates(app, watcher, service, { codeVersion, replay: true, now: app.clock.now() });
}

/**
 * Restores every registered service's live log templates, then the lines stored after them (at
 * most `MAX_LOG_LINES` each), into `watcher`, one service after the other. Every service is held
 * first (its lines raise no finding) and settled once its own restore is done (all of them when
 * one fails), so this may run while lines arrive.
 */
export async function restoreAllLogTemplates(app: App, watcher: LogTemplateWatcher): Promise<void> {
  const codeVersion = app.models.model(LOG_TEMPLATES).codeVersion;
  const services = (await app.store.services.list()).map((s) => s.name);
  for (const name of services) watcher.hold(name);
  try {
    for (const name of services) {
      const r = await restoreLogTemplates(app, watcher, name, { codeVersion, replay: true, now: app.clock.now() });
      watcher.settle(name);
      if (r.version !== undefined) {
        app.log.info(
          { service: name, version: r.version, templates: r.templates, replayed: r.replayed },
          "log templates restored",
        );
      }
    }
  } finally {
    for (const name of services) watcher.settle(name);
  }
}

/** Checks `service`'s live log templates for drift over the last checkpoint interval (undefined: none live). */
export function checkLogTemplatesDrift(app: App, service: string): Promise<DriftReport | undefined> {
  const now = app.clock.now();
  return checkDrift(
    app,
    app.models,
    LOG_TEMPLATES,
    logTemplatesScope(service),
    { from: now - app.config.config.observe.anomaly_checkpoint, to: now },
    { psi: app.config.config.learning.drift_psi, metricDrop: 0.1 },
  );
}

/** Starts the log template checkpoints (drift check, then checkpoint, per service); returns the stop function. */
export function startLogTemplateCheckpoints(app: App): () => void {
  let busy = false;
  const pass = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const svc of await app.store.services.list()) await checkpointService(app, svc.name);
    } catch (err) {
      app.log.warn({ err }, "log template checkpoints failed");
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void pass(), app.config.config.observe.anomaly_checkpoint);
  timer.unref();
  return () => clearInterval(timer);
}

/** One service's drift check and checkpoint, logged; a failure of one does not stop the other. */
async function checkpointService(app: App, service: string): Promise<void> {
  try {
    const report = await checkLogTemplatesDrift(app, service);
    if (report?.drifted) app.log.warn({ service, reasons: report.reasons }, "log templates drifted");
  } catch (err) {
    app.log.warn({ err, service }, "log templates drift check failed");
  }
  try {
    const v = await checkpointLogTemplates(app, service);
    app.log.info({ model: v.model, scope: v.scope, version: v.version, status: v.status }, v.reason);
  } catch (err) {
    if (err instanceof ValidationError) app.log.debug({ err, service }, "log templates not checkpointed");
    else if (err instanceof ConflictError) app.log.info({ err, service }, "log templates checkpoint superseded");
    else app.log.warn({ err, service }, "log templates checkpoint failed");
  }
}
