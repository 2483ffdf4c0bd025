/**
 * `promote`: approves a paused rollout (or skips its timed pause); `promoteProject` approves the
 * project's waiting rollout in an environment, or else deploys what is live in the environment's
 * promotion source (`promotion.from`).
 */
import { ConflictError, ValidationError } from "../../common/errors.js";
import type { Rollout } from "../../store/index.js";
import { FINAL_ROLLOUT_STATES } from "../rollouts/rollout-machine.js";
import { deploy } from "./deploy.js";
import type { DeliveryContext } from "./delivery-context.js";

/** Approves a paused rollout; ConflictError when it has ended or waits for nothing. */
export async function promote(ctx: DeliveryContext, rolloutId: number): Promise<Rollout> {
  const rollout = await ctx.deps.store.rollouts.get(rolloutId);
  if (FINAL_ROLLOUT_STATES.includes(rollout.state)) throw new ConflictError(`rollout ${rolloutId} is ${rollout.state}`);
  if (!ctx.runners.get(rolloutId)?.promote())
    throw new ConflictError(`rollout ${rolloutId} is not waiting for approval`);
  return rollout;
}

/** `pitcrew promote`: the waiting rollout approved, or the promotion source's live run deployed. */
export async function promoteProject(
  ctx: DeliveryContext,
  req: { project: string; environment: string; by: string },
): Promise<Rollout> {
  const env = ctx.env(req.environment);
  const waiting = await ctx.activeRollout(req.project, env.name);
  if (waiting) return promote(ctx, waiting.id);
  if (!env.promotion) {
    throw new ValidationError(`${env.name} has no rollout of ${req.project} to approve and no promotion.from`);
  }
  const source = await ctx.deps.store.releases.live(req.project, env.promotion.from);
  if (!source?.runId) throw new ValidationError(`${req.project} has nothing live in ${env.promotion.from} to promote`);
  const { rollout } = await deploy(ctx, {
    project: req.project,
    environment: env.name,
    runId: source.runId,
    by: req.by,
    reason: `promoted from ${env.promotion.from} (release ${source.id})`,
  });
  return rollout;
}
