/** The read side of delivery: what runs where, a rollout with its steps, listener URLs, exchanges, traffic. */
import { NotFoundError } from "../../common/errors.js";
import type { PendingDeploy, Release, Rollout, RolloutStepRecord } from "../../store/index.js";
import type { RolloutState } from "../rollouts/rollout-machine.js";
import type { Exchange } from "../routers/exchange-log.js";
import type { ListenerTraffic } from "../routers/traffic-shapes.js";
import { type DeliveryContext, routeKeyOf } from "./delivery-context.js";

/** A project's place in an environment, as `status` shows it. */
export interface PlacementStatus {
  project: string;
  url: string | undefined;
  live: Release | undefined;
  rollout: Rollout | undefined;
  /** The run the pipeline's deploy stage still has to ship here (pipeline-deploys.ts), and why it waits. */
  pending: PendingDeploy | undefined;
  replicas: { release: string; address: string; state: string; restarts: number }[];
}

/** What runs in an environment: per project, the live release, the active rollout, replicas. */
export async function status(ctx: DeliveryContext, environment: string): Promise<PlacementStatus[]> {
  const { store, target } = ctx.deps;
  const env = ctx.env(environment);
  const releases = await store.releases.list({ environment: env.name, limit: 500 });
  const active = (await store.rollouts.active()).filter((r) => r.environment === env.name);
  const pending = (await store.pendingDeploys.list()).filter((p) => p.environment === env.name);
  const running = await target.status();
  const projects = [
    ...new Set([...releases.map((r) => r.project), ...active.map((r) => r.project), ...pending.map((p) => p.project)]),
  ].sort();
  return projects.map((project) => {
    const mine = new Set(releases.filter((r) => r.project === project).map((r) => String(r.id)));
    return {
      project,
      url: urlOf(ctx, project, env.name),
      live: releases.find((r) => r.project === project && r.status === "live"),
      rollout: active.find((r) => r.project === project),
      pending: pending.find((p) => p.project === project),
      replicas: running
        .filter((s) => mine.has(s.releaseId))
        .flatMap((s) =>
          s.replicas.map((r) => ({ release: s.releaseId, address: r.address, state: r.state, restarts: r.restarts })),
        ),
    };
  });
}

/** A rollout with its steps. */
export async function rolloutWithSteps(
  ctx: DeliveryContext,
  id: number,
): Promise<Rollout & { steps: RolloutStepRecord[] }> {
  const rollout = await ctx.deps.store.rollouts.get(id);
  return { ...rollout, steps: await ctx.deps.store.rollouts.steps(id) };
}

/** Resolves with the final state of a rollout. */
export async function waitFor(ctx: DeliveryContext, rolloutId: number): Promise<RolloutState> {
  const runner = ctx.runners.get(rolloutId);
  if (runner) return runner.done;
  return (await ctx.deps.store.rollouts.get(rolloutId)).state;
}

/** Base URL of the stable listener of a project in an environment, once it has one. */
export function urlOf(ctx: DeliveryContext, project: string, environment: string): string | undefined {
  const router = ctx.deps.routers[ctx.env(environment).router];
  try {
    return router?.url(routeKeyOf(project, environment));
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

/**
 * The exchanges the router of `environment` still holds, for all its listeners (see
 * `routers/exchange-log.ts`), oldest first; empty when that router keeps none (nginx).
 */
export function exchanges(ctx: DeliveryContext, environment: string): Exchange[] {
  return ctx.deps.routers[ctx.env(environment).router]?.exchanges?.() ?? [];
}

/**
 * The requests the listener of `project` in `environment` answered in `[from, to)`, by shape
 * (see `routers/traffic-shapes.ts`); undefined when its router does not see shapes (nginx) or
 * the listener answered nothing yet.
 */
export function traffic(
  ctx: DeliveryContext,
  project: string,
  environment: string,
  from: number,
  to: number,
): ListenerTraffic | undefined {
  return ctx.deps.routers[ctx.env(environment).router]?.traffic?.(routeKeyOf(project, environment), from, to);
}
