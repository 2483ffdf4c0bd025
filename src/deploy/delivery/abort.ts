/** `abort`: stops a rollout in progress; its runner rolls traffic back to the baseline. */
import { ConflictError } from "../../common/errors.js";
import type { Rollout } from "../../store/index.js";
import { FINAL_ROLLOUT_STATES } from "../rollouts/rollout-machine.js";
import type { DeliveryContext } from "./delivery-context.js";

/** Aborts an active rollout by id; ConflictError when it has ended or another server drives it. */
export async function abort(ctx: DeliveryContext, rolloutId: number, reason: string): Promise<Rollout> {
  const rollout = await ctx.deps.store.rollouts.get(rolloutId);
  if (FINAL_ROLLOUT_STATES.includes(rollout.state) || !ctx.runners.has(rolloutId)) {
    throw new ConflictError(`rollout ${rolloutId} is ${rollout.state}`);
  }
  abortRunner(ctx, rollout, reason);
  return rollout;
}

/** Tells the runner of an active rollout to roll back; ConflictError when this server does not drive it. */
export function abortRunner(ctx: DeliveryContext, rollout: Rollout, reason: string): void {
  const runner = ctx.runners.get(rollout.id);
  if (!runner) throw new ConflictError(`rollout ${rollout.id} is not driven by this server`);
  runner.abort(reason);
}
