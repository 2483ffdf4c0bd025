/**
 * Progressive delivery: environments, releases and rollouts (docs/deploy.md). A facade over one
 * module per verb — `deploy` checks the promotion rule, records the release and its rollout, and
 * returns while a `RolloutRunner` drives it; `promote`, `abort` and `rollback` steer it; `watch`
 * is the post-deploy watch; `recover` puts every environment back on its live releases after
 * pitcrew restarts; `status`, `rollout`, `urlOf`, `exchanges` and `traffic` read.
 */
import type { Release, Rollout, RolloutStepRecord } from "../../store/index.js";
import type { WatchResult } from "../analysis/index.js";
import type { RolloutState } from "../rollouts/rollout-machine.js";
import type { Exchange } from "../routers/exchange-log.js";
import type { ListenerTraffic } from "../routers/traffic-shapes.js";
import { abort } from "./abort.js";
import { type DeliveryDeps, DeliveryContext, type EnvironmentSettings } from "./delivery-context.js";
import { type DeployRequest, deploy } from "./deploy.js";
import type { Launched } from "./launch.js";
import { promote, promoteProject } from "./promote.js";
import { exchanges, type PlacementStatus, rolloutWithSteps, status, traffic, urlOf, waitFor } from "./read.js";
import { recover } from "./recover.js";
import { type RollbackRequest, rollback } from "./rollback.js";
import { startPostDeployWatch, watch } from "./watch.js";

/** Releases, rollouts and environments (the module comment lists the verbs). */
export class Delivery {
  readonly #ctx: DeliveryContext;

  constructor(deps: DeliveryDeps) {
    this.#ctx = new DeliveryContext(deps, (release, baseline, env, judged) =>
      startPostDeployWatch(this.#ctx, { release, baseline, env, judged }, (reason) =>
        this.rollback({ project: release.project, environment: env.name, by: "pitcrew", reason }),
      ),
    );
  }

  /** The configured environments. */
  get environments(): EnvironmentSettings[] {
    return this.#ctx.deps.environments;
  }

  /** Starts a rollout of a project's run into an environment; returns once it is recorded. */
  deploy(req: DeployRequest): Promise<Launched> {
    return this.#ctx.track(() => deploy(this.#ctx, req));
  }

  /** Aborts the rollout in progress, or rolls back to an earlier release (see `rollback.ts`). */
  rollback(req: RollbackRequest): Promise<{ rollout: Rollout; release?: Release }> {
    return this.#ctx.track(() => rollback(this.#ctx, req));
  }

  /** Approves the project's waiting rollout, or deploys what is live in the promotion source. */
  promoteProject(req: { project: string; environment: string; by: string }): Promise<Rollout> {
    return this.#ctx.track(() => promoteProject(this.#ctx, req));
  }

  /** Approves a paused rollout (or skips its timed pause). */
  promote(rolloutId: number): Promise<Rollout> {
    return promote(this.#ctx, rolloutId);
  }

  /** Aborts an active rollout: it rolls back to its baseline. */
  abort(rolloutId: number, reason: string): Promise<Rollout> {
    return abort(this.#ctx, rolloutId, reason);
  }

  /** Resolves with the final state of a rollout. */
  wait(rolloutId: number): Promise<RolloutState> {
    return waitFor(this.#ctx, rolloutId);
  }

  /** A rollout with its steps. */
  rollout(id: number): Promise<Rollout & { steps: RolloutStepRecord[] }> {
    return rolloutWithSteps(this.#ctx, id);
  }

  /** Base URL of the stable listener of a project in an environment, once it has one. */
  urlOf(project: string, environment: string): string | undefined {
    return urlOf(this.#ctx, project, environment);
  }

  /** The exchanges the router of `environment` still holds, oldest first (none for nginx). */
  exchanges(environment: string): Exchange[] {
    return exchanges(this.#ctx, environment);
  }

  /** The requests `project`'s listener in `environment` answered in `[from, to)`, by shape (none for nginx). */
  traffic(project: string, environment: string, from: number, to: number): ListenerTraffic | undefined {
    return traffic(this.#ctx, project, environment, from, to);
  }

  /** What runs in an environment: per project, the live release, the active rollout, replicas. */
  status(environment: string): Promise<PlacementStatus[]> {
    return status(this.#ctx, environment);
  }

  /** Watches a live release for `windowMs` against `baseline` (also used by the healing loop). */
  watch(release: Release, windowMs: number, baseline?: Release, signal?: AbortSignal): Promise<WatchResult> {
    return watch(this.#ctx, release, windowMs, { baseline, signal });
  }

  /** After a restart: interrupted rollouts aborted, leftovers reaped, live releases served again. */
  recover(): Promise<void> {
    return recover(this.#ctx);
  }

  /**
   * Refuses new deploys, waits for the ones being recorded, stops watches and halts the runners
   * at once (an analysis or pause in progress included; the next start's `recover` aborts their
   * rollouts); routers and the target are closed by their owner.
   */
  async close(): Promise<void> {
    this.#ctx.closed = true;
    await Promise.allSettled([...this.#ctx.pending]);
    for (const w of this.#ctx.watches) w.abort(new Error("closing"));
    for (const r of this.#ctx.runners.values()) r.halt();
    await Promise.allSettled([...this.#ctx.runners.values()].map((r) => r.done));
  }
}
