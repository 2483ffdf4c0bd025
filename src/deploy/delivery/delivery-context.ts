/**
 * What every delivery verb works with: the dependencies, the rollout runners this server
 * drives, the post-deploy watches in progress, and the shared lookups (an environment, its
 * router, a project's active rollout).
 */
import type { Clock } from "../../common/clock.js";
import { ConflictError, NotFoundError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import type { Bus, EventLog } from "../../events/index.js";
import type { Executor } from "../../runner/index.js";
import type { Release, Rollout, Store } from "../../store/index.js";
import type { AlertLister, JudgedMetrics } from "../analysis/index.js";
import type { RolloutRunner } from "../rollouts/rollout-runner.js";
import type { TrafficRouter } from "../routers/traffic-router.js";
import type { StrategySpec } from "../strategies/strategy-spec.js";
import type { DeployTarget } from "../targets/deploy-target.js";

/** One environment, validated. */
export interface EnvironmentSettings {
  name: string;
  router: "builtin" | "nginx";
  replicas?: number;
  strategy?: StrategySpec;
  promotion?: { from: string; healthyForMs: number };
  /** Post-deploy watch window (0: no watch). */
  watchMs: number;
  /** Variables every release here starts with; the release manifest's `env` wins. */
  env?: Record<string, string>;
}

/** What delivery runs on. */
export interface DeliveryDeps {
  store: Store;
  events: EventLog;
  bus: Bus;
  clock: Clock;
  log: Logger;
  dataDir: string;
  target: DeployTarget;
  /** The router of each router kind (nginx only when an environment uses it). */
  routers: Partial<Record<EnvironmentSettings["router"], TrafficRouter>>;
  environments: EnvironmentSettings[];
  alerts?: AlertLister;
  /** Evaluates a PromQL query to a number (the analysis' `{query}` checks); none: they are inconclusive. */
  query?: (promql: string) => Promise<number | undefined>;
  /** SIGTERM-to-SIGKILL time when stopping replicas (default 5 s). */
  drainMs?: number;
  /** The executor a project's release build runs with (default: local processes). */
  buildExecutor?: (project: string) => Promise<Executor>;
}

/**
 * Called when a deploy's rollout succeeded (the facade starts the post-deploy watch): `baseline`
 * is the release to judge it against, on the error rate alone (`judged: "errors"`) when its canary
 * was judged against a fresh baseline.
 */
export type AfterDeploy = (
  release: Release,
  baseline: Release | undefined,
  env: EnvironmentSettings,
  judged: JudgedMetrics,
) => void;

/** The state the verbs share. */
export class DeliveryContext {
  /** Runners of the rollouts this server drives, by rollout id. */
  readonly runners = new Map<number, RolloutRunner>();
  /** Post-deploy watches in progress. */
  readonly watches = new Set<AbortController>();
  /** Set by `close`: no new rollout starts. */
  closed = false;
  /** Verbs in progress (a deploy checking out its release, …), which `close` waits for. */
  readonly pending = new Set<Promise<unknown>>();

  constructor(
    readonly deps: DeliveryDeps,
    readonly afterDeploy: AfterDeploy,
  ) {}

  /** Runs a verb that may start a rollout, unless delivery is closing; `close` waits for it. */
  async track<T>(verb: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ConflictError("delivery is shutting down");
    const running = verb();
    this.pending.add(running);
    try {
      return await running;
    } finally {
      this.pending.delete(running);
    }
  }

  /** The environment named `name`, or NotFoundError. */
  env(name: string): EnvironmentSettings {
    const env = this.deps.environments.find((e) => e.name === name);
    if (!env) throw new NotFoundError("environment", name);
    return env;
  }

  /** The router an environment's listeners run on. */
  router(env: EnvironmentSettings): TrafficRouter {
    const router = this.deps.routers[env.router];
    if (!router) throw new NotFoundError("router", env.router);
    return router;
  }

  /** The project's rollout in progress in `environment`, if any. */
  async activeRollout(project: string, environment: string): Promise<Rollout | undefined> {
    return (await this.deps.store.rollouts.active()).find(
      (r) => r.project === project && r.environment === environment,
    );
  }
}

/** The listener key of a project in an environment (router env names are [a-z0-9_-]). */
export function routeKeyOf(project: string, environment: string): string {
  return `${environment}_${project
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "-")
    .slice(0, 40)}`;
}
