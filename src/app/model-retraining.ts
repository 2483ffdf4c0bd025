/**
 * Scheduled retraining (config `learning.retrain`, a cron expression): for every project and
 * every registered model, the live version is first checked for drift over the last horizon
 * (`model.drift`), shadow versions score the runs since their last look, then a candidate is
 * trained on the window before the horizon, evaluated beside the incumbent on the horizon, and
 * promoted or refused by the gate (`model.promoted` | `model.refused`). A drift found between
 * scheduled runs (the hourly check) retrains that model at once. One pass at a time.
 */
import { Cron } from "croner";
import { checkDrift } from "../learning/index.js";
import type { App } from "./app.js";

/** How often live models are checked for drift between scheduled retrainings. */
const DRIFT_CHECK = "17 * * * *";

/** Retrains one model of one project through the gate; returns the decided version. */
export async function retrainModel(app: App, name: string, scope: string) {
  const { horizon, window } = app.config.config.learning;
  const v = await app.models.train(name, scope, { horizonMs: horizon, windowMs: window });
  return app.models.promote(name, scope, v.version);
}

/**
 * One pass over every project and model: drift check of the live version over the last horizon,
 * shadow figures, then retraining through the gate when `retrainAll` or the check found drift.
 * A model that cannot be trained (no data yet) is logged and skipped.
 */
export async function retrainingPass(app: App, retrainAll: boolean): Promise<void> {
  const cfg = app.config.config.learning;
  const now = app.clock.now();
  for (const project of await app.store.projects.list()) {
    const scope = `project:${project.id}`;
    for (const model of app.models.models().filter((m) => (m.scopeKind ?? "project") === "project")) {
      try {
        const drift = await checkDrift(
          app,
          app.models,
          model.name,
          scope,
          { from: now - cfg.horizon, to: now },
          { psi: cfg.drift_psi, metricDrop: 0.1 },
        );
        await app.models.recordShadow(model.name, scope, now);
        if (retrainAll || drift?.drifted) await retrainModel(app, model.name, scope);
      } catch (err) {
        app.log.info({ err, model: model.name, scope }, "model not retrained");
      }
    }
  }
}

/** Starts the retraining and drift schedules (one pass at a time); returns the stop function. */
export function startModelRetraining(app: App): () => void {
  const cfg = app.config.config.learning;
  if (cfg.retrain === "") return () => {};
  let running: Promise<void> = Promise.resolve();
  const pass = (retrainAll: boolean) => {
    running = running
      .then(() => retrainingPass(app, retrainAll))
      .catch((err) => app.log.warn({ err }, "model retraining pass failed"));
  };
  const retrain = new Cron(cfg.retrain, { protect: true }, () => pass(true));
  const drift = new Cron(DRIFT_CHECK, { protect: true }, () => pass(false));
  return () => {
    retrain.stop();
    drift.stop();
  };
}
