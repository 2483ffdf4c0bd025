/**
 * `deploy`: ships a project's successful run into an environment. Checks the promotion rule and
 * that no rollout of the project is in progress there, records the release with its full run
 * spec (its id is known inside the store's transaction; its env names the service for
 * OpenTelemetry, see releases/telemetry-env.ts), checks it out, and starts its rollout over the
 * release live *then* (a rollback can end during the checkout). A checkout that fails, or a
 * rollout the store refuses (another one started, or the live release changed), marks the
 * release `failed`.
 */
import { ConflictError, RolloutInProgressError } from "../../common/errors.js";
import {
  checkoutRelease,
  planRelease,
  releaseDir,
  releaseRunSpec,
  renderReleaseEnv,
} from "../releases/release-builder.js";
import { serviceOfProject, withServiceName } from "../releases/telemetry-env.js";
import { parseStrategy } from "../strategies/parse-strategy.js";
import { DEFAULT_STRATEGY } from "../strategies/strategy-spec.js";
import type { DeliveryContext, EnvironmentSettings } from "./delivery-context.js";
import { type Launched, launchRollout } from "./launch.js";
import { urlOf } from "./read.js";

/** A deploy request. */
export interface DeployRequest {
  project: string;
  environment: string;
  /** The successful run to ship (default: the project's last successful run). */
  runId?: number;
  /** Overrides the environment's and the manifest's strategy. */
  strategy?: unknown;
  /** Skip the promotion rule (admins). */
  force?: boolean;
  by: string;
  reason: string;
}

/** Starts a rollout of a project's run into an environment; resolves once it is recorded. */
export async function deploy(ctx: DeliveryContext, req: DeployRequest): Promise<Launched> {
  const { store, clock, dataDir } = ctx.deps;
  const env = ctx.env(req.environment);
  const strategy = req.strategy === undefined ? undefined : parseStrategy(req.strategy, "strategy");
  const plan = await planRelease(ctx.deps, { project: req.project, runId: req.runId });
  if (env.promotion && !req.force) await checkPromotion(ctx, env, plan.project, plan.run.commit);
  const chosen = strategy ?? plan.manifest.strategy ?? env.strategy ?? DEFAULT_STRATEGY;
  const busy = await ctx.activeRollout(plan.project, env.name);
  if (busy) throw new RolloutInProgressError(plan.project, env.name, busy.id);
  const { commit } = plan.run;
  const service = (await serviceOfProject(store.services, plan.project))?.name ?? plan.project;
  const release = await store.releases.create({
    project: plan.project,
    environment: env.name,
    runId: plan.run.id,
    commit,
    specOf: (id) => {
      const rendered = renderReleaseEnv(
        { ...env.env, ...plan.manifest.env },
        { commit, release: id, environment: env.name, urlOf: (p) => urlOf(ctx, p, env.name) },
      );
      return releaseRunSpec(plan, releaseDir(dataDir, id), {
        replicas: env.replicas,
        env: { ...withServiceName(rendered, service), PITCREW_RELEASE_ID: String(id), PITCREW_COMMIT: commit },
      });
    },
    triggeredBy: req.by,
    reason: req.reason,
    at: clock.now(),
  });
  try {
    await checkoutRelease(plan, releaseDir(dataDir, release.id));
    // read after the checkout: a rollback may have made another release live meanwhile
    const baseline = await store.releases.live(plan.project, env.name);
    return await launchRollout(ctx, release, baseline, chosen, "deploy");
  } catch (err) {
    await store.releases.setStatus(release.id, "failed", clock.now());
    throw err;
  }
}

/** The environment's promotion rule: the commit must have been live in `promotion.from` long enough. */
async function checkPromotion(
  ctx: DeliveryContext,
  env: EnvironmentSettings,
  project: string,
  commit: string,
): Promise<void> {
  const rule = env.promotion;
  if (!rule) return;
  const from = await ctx.deps.store.releases.live(project, rule.from);
  const liveFor = from?.liveAt != null ? ctx.deps.clock.now() - from.liveAt : -1;
  if (!from || from.commit !== commit || liveFor < rule.healthyForMs) {
    const now = from
      ? `${rule.from} runs ${from.commit.slice(0, 12)} (live ${Math.max(0, Math.round(liveFor / 1000))} s)`
      : `nothing is live in ${rule.from}`;
    throw new ConflictError(
      `promotion rule of ${env.name}: ${commit.slice(0, 12)} must be live in ${rule.from} for ${Math.round(rule.healthyForMs / 1000)} s first; ${now}`,
    );
  }
}
