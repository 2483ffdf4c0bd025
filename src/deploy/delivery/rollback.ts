/**
 * `rollback`: takes a project back in an environment. With a rollout in progress (and no target
 * release named) that rollout is aborted: its traffic returns to the baseline — unless it is
 * itself a rollback, which is returned as the one doing what was asked. Otherwise the
 * release `toReleaseId` (default: the one live before the current one) is recorded again as a new
 * release with the same run spec and switched to blue-green; a rollout the store refuses (another
 * one started, or the live release changed meanwhile) marks that new release `failed`.
 */
import { existsSync } from "node:fs";
import { RolloutInProgressError, ValidationError } from "../../common/errors.js";
import type { Release, Rollout } from "../../store/index.js";
import { parseStrategy } from "../strategies/parse-strategy.js";
import { abortRunner } from "./abort.js";
import type { DeliveryContext } from "./delivery-context.js";
import { launchRollout } from "./launch.js";

/** A rollback request. */
export interface RollbackRequest {
  project: string;
  environment: string;
  /** The release to go back to (default: the one live before the current one). */
  toReleaseId?: number;
  by: string;
  reason: string;
}

/** Rolls back (see the module comment); resolves with the rollout doing it (and the new release). */
export async function rollback(
  ctx: DeliveryContext,
  req: RollbackRequest,
): Promise<{ rollout: Rollout; release?: Release }> {
  const { store, clock } = ctx.deps;
  const env = ctx.env(req.environment);
  const active = await ctx.activeRollout(req.project, env.name);
  // a rollback already in flight is what was asked for: aborting it would put back the release it
  // takes out (a heal's rollback and the post-deploy watch's can meet)
  if (active?.kind === "rollback" && req.toReleaseId === undefined) return { rollout: active };
  if (active && req.toReleaseId === undefined) {
    abortRunner(ctx, active, req.reason);
    return { rollout: active };
  }
  const live = await store.releases.live(req.project, env.name);
  if (!live) throw new ValidationError(`${req.project} has no live release in ${env.name} to roll back`);
  const history = await store.releases.list({ project: req.project, environment: env.name, limit: 200 });
  const to =
    req.toReleaseId !== undefined
      ? history.find((r) => r.id === req.toReleaseId)
      : history.find((r) => r.id < live.id && r.status === "superseded");
  if (!to) {
    throw new ValidationError(
      req.toReleaseId !== undefined
        ? `release ${req.toReleaseId} is not a release of ${req.project} in ${env.name}`
        : `${req.project} has no earlier release in ${env.name} to roll back to`,
    );
  }
  if (to.id === live.id) throw new ValidationError(`release ${to.id} is already live`);
  if (!existsSync(to.spec.cwd)) throw new ValidationError(`release ${to.id} is no longer on disk`);
  if (active) throw new RolloutInProgressError(req.project, env.name, active.id);
  // the release directory was built when `to` first started: a rollback only starts it again
  const { build: _built, ...spec } = to.spec;
  const release = await store.releases.create({
    project: to.project,
    environment: env.name,
    runId: to.runId,
    commit: to.commit,
    specOf: (id) => ({ ...spec, env: { ...to.spec.env, PITCREW_RELEASE_ID: String(id) } }),
    triggeredBy: req.by,
    reason: `rollback to release ${to.id}: ${req.reason}`,
    at: clock.now(),
  });
  const strategy = parseStrategy({ blueGreen: { autoPromote: true, scaleDownDelay: 0 } }, "rollback");
  try {
    return await launchRollout(ctx, release, live, strategy, "rollback");
  } catch (err) {
    // the store refused it (another rollout started, or the live release changed meanwhile)
    await store.releases.setStatus(release.id, "failed", clock.now());
    throw err;
  }
}
