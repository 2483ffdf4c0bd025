/**
 * Online updates as runs finish: every registered model that declares `onlineUpdateRuns` is
 * updated for a project after that many of its runs finished (`run.finished`), through the
 * validation gate of `applyOnlineUpdate`: the runs since its live version (or, with none, the
 * learning window) update it, the newest of them validate it; the update is kept as the new live
 * version or rolled back. One update at a time, off the runs' critical path; a failed one is logged.
 */
import { onEvent } from "../events/index.js";
import { applyOnlineUpdate } from "../learning/index.js";
import type { ModelVersion } from "../store/index.js";
import type { App } from "./app.js";

/** Updates one model of one scope online with the runs since its live version (or the learning window). */
export async function updateModelOnline(app: App, name: string, scope: string): Promise<ModelVersion> {
  const live = await app.store.modelVersions.live(name, scope);
  const now = app.clock.now();
  const from = live ? live.trainTo + 1 : now - app.config.config.learning.window;
  return applyOnlineUpdate(app, app.models, name, scope, { from, to: now });
}

/** Subscribes to finished runs and updates the online models of their project; returns the stop function. */
export function startOnlineModelUpdates(app: App): () => void {
  const online = app.models.models().filter((m) => m.update !== undefined && (m.onlineUpdateRuns ?? 0) > 0);
  if (online.length === 0) return () => {};
  /** Finished runs per project since the server started (one counter per project). */
  const finished = new Map<number, number>();
  let chain: Promise<void> = Promise.resolve();
  return onEvent(app.bus, "run.finished", ({ data: { projectId } }) => {
    const n = (finished.get(projectId) ?? 0) + 1;
    finished.set(projectId, n);
    for (const model of online) {
      if (n % model.onlineUpdateRuns! !== 0) continue;
      const scope = `project:${projectId}`;
      chain = chain
        .then(() => updateModelOnline(app, model.name, scope))
        .then(
          (v) => app.log.info({ model: model.name, scope, version: v.version, status: v.status }, v.reason),
          (err) => app.log.info({ err, model: model.name, scope }, "online model update skipped"),
        );
    }
  });
}
