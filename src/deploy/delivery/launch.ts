/**
 * Starts the rollout of a recorded release: the rollout row and `rollout.started` first, then a
 * `RolloutRunner` drives it in the background. A deploy whose rollout succeeds is handed to the
 * context's `afterDeploy` (the post-deploy watch), to be judged against its baseline on the error
 * rate alone when its canary was already judged against a fresh baseline (rollout-runner.ts
 * `judgedAtSameTime`).
 */
import { ConflictError } from "../../common/errors.js";
import type { Release, Rollout } from "../../store/index.js";
import { buildBeforeStart } from "../releases/build-step.js";
import { RolloutRunner } from "../rollouts/rollout-runner.js";
import { compileStrategy, type StrategySpec, strategyKind } from "../strategies/strategy-spec.js";
import { type DeliveryContext, routeKeyOf } from "./delivery-context.js";

/** A release and the rollout now taking it live. */
export interface Launched {
  release: Release;
  rollout: Rollout;
}

/** Records and starts the rollout of `release` over `baseline` (the live release, if any). */
export async function launchRollout(
  ctx: DeliveryContext,
  release: Release,
  baseline: Release | undefined,
  strategy: StrategySpec,
  kind: "deploy" | "rollback",
): Promise<Launched> {
  if (ctx.closed) throw new ConflictError("delivery is shutting down");
  const { store, events, clock, log } = ctx.deps;
  const env = ctx.env(release.environment);
  const rollout = await store.rollouts.create({
    project: release.project,
    environment: env.name,
    releaseId: release.id,
    baselineReleaseId: baseline?.id ?? null,
    kind: kind === "rollback" ? "rollback" : strategyKind(strategy),
    strategy,
    at: clock.now(),
  });
  await events.emit(
    "rollout.started",
    { kind: "rollout", id: rollout.id },
    {
      rollout: rollout.id,
      project: release.project,
      environment: env.name,
      release: release.id,
      baseline: baseline?.id ?? null,
      commit: release.commit,
      strategy: rollout.kind,
      by: release.triggeredBy,
      reason: release.reason,
    },
  );
  const runner = new RolloutRunner(
    {
      ...ctx.deps,
      router: ctx.router(env),
      routeKey: routeKeyOf(release.project, env.name),
      drainMs: ctx.deps.drainMs ?? 5_000,
      baselineEndsAs: kind === "rollback" ? "rolled_back" : "superseded",
      buildBeforeStart: buildBeforeStart({ ...ctx.deps, executorFor: ctx.deps.buildExecutor }),
    },
    rollout,
    release,
    baseline,
    compileStrategy(strategy, baseline !== undefined),
  );
  ctx.runners.set(rollout.id, runner);
  void runner.done
    .then((state) => {
      // the watch's judge compares with the previous release's older requests, a different time and
      // load: the latency of a canary the judge passed against a same-time baseline is not judged
      // again that way, its error rate (far less sensitive to the machine's load) still is
      if (state === "succeeded" && kind === "deploy" && env.watchMs > 0)
        ctx.afterDeploy(release, baseline, env, runner.judgedAtSameTime ? "errors" : "all");
    })
    .catch((err) => log.error({ err, rollout: rollout.id }, "rollout crashed"))
    .finally(() => ctx.runners.delete(rollout.id));
  return { release, rollout };
}
