/**
 * Online updates as runs finish: every registered model that declares `onlineUpdateRuns` is
 * updated for a project once that many of its runs finished (`run.finished`) since what its live
 * version learnt (counted in the store, so a restart or another replica loses nothing), through
 * the validation gate of `applyOnlineUpdate`: the runs since its live version (or, with none, the
 * learning window) update it, the newest of them validate it; the update is kept as the new live
 * version or rolled back. At most one update per model and scope at a time, off the runs'
 * critical path; a finished run that arrives meanwhile is re-checked by the next one.
 */
import { ValidationError } from "../common/errors.js";
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

/**
 * How many runs of a project finished since a model last learnt from it: after its live
 * version's training end (the learning window with none), or after its newest update when that
 * one was rolled back (so a refused update waits for as many new runs as a kept one).
 */
export async function runsSinceUpdate(app: App, name: string, projectId: number): Promise<number> {
  const scope = `project:${projectId}`;
  const live = await app.store.modelVersions.live(name, scope);
  const [newest] = await app.store.modelVersions.list({ model: name, scope, limit: 1 });
  let since = live ? live.trainTo : app.clock.now() - app.config.config.learning.window;
  if (newest?.status === "refused") since = Math.max(since, newest.createdAt);
  return app.store.runs.countFinished(projectId, since);
}

/** Subscribes to finished runs and updates the online models of their project; returns the stop function. */
export function startOnlineModelUpdates(app: App): () => void {
  const online = app.models.models().filter((m) => m.update !== undefined && (m.onlineUpdateRuns ?? 0) > 0);
  if (online.length === 0) return () => {};
  /** `model scope` of the updates under way (one each). */
  const running = new Set<string>();
  const maybeUpdate = async (name: string, every: number, projectId: number): Promise<void> => {
    const scope = `project:${projectId}`;
    const key = `${name} ${scope}`;
    if (running.has(key)) return;
    running.add(key);
    try {
      if ((await runsSinceUpdate(app, name, projectId)) < every) return;
      const v = await updateModelOnline(app, name, scope);
      app.log.info({ model: name, scope, version: v.version, status: v.status }, v.reason);
    } catch (err) {
      if (err instanceof ValidationError) app.log.info({ err, model: name, scope }, "online model update skipped");
      else app.log.warn({ err, model: name, scope }, "online model update failed");
    } finally {
      running.delete(key);
    }
  };
  return onEvent(app.bus, "run.finished", ({ data: { projectId } }) => {
    for (const model of online) void maybeUpdate(model.name, model.onlineUpdateRuns!, projectId);
  });
}
