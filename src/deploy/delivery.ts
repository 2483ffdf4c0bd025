/**
 * Progressive delivery: environments, releases and rollouts (docs/deploy.md). `deploy` checks
 * the promotion rule, records the release and its rollout, and returns while a `RolloutRunner`
 * drives it; `promote`, `abort` and `rollback` steer it; `recover` puts every environment back
 * on its live releases after pitcrew restarts (rollouts that were in flight are aborted, their
 * traffic returned to the baseline), so a `kill -9` never leaves traffic pointed at nothing.
 */
import { existsSync, readFileSync } from "node:fs";
import type { Clock } from "../common/clock.js";
import { ConflictError, NotFoundError, ValidationError } from "../common/errors.js";
import type { Logger } from "../common/logger.js";
import type { Bus, EventLog } from "../events/index.js";
import type { Executor } from "../runner/index.js";
import type { Release, Rollout, RolloutStepRecord, Store } from "../store/index.js";
import { type AlertLister, knownAlertsOf, type WatchResult, watchRelease } from "./analysis/index.js";
import { type BuildBeforeStart, buildBeforeStart } from "./releases/build-step.js";
import { planRelease, materializeRelease, releaseDir, renderReleaseEnv } from "./releases/release-builder.js";
import { FINAL_ROLLOUT_STATES, type RolloutState, rolloutSources } from "./rollouts/rollout-machine.js";
import { RolloutRunner } from "./rollouts/rollout-runner.js";
import type { Exchange } from "./routers/exchange-log.js";
import type { TrafficRouter } from "./routers/traffic-router.js";
import {
  compileStrategy,
  DEFAULT_STRATEGY,
  type StrategySpec,
  strategyKind,
  strategySchema,
} from "./strategies/strategy-spec.js";
import { type DeployTarget, readyUpstreams } from "./targets/deploy-target.js";

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
  query?: (promql: string) => Promise<number | undefined>;
  /** SIGTERM-to-SIGKILL time when stopping replicas (default 5 s). */
  drainMs?: number;
  /** The executor a project's release build runs with (default: local processes). */
  buildExecutor?: (project: string) => Promise<Executor>;
}

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

/** A project's place in an environment, as `status` shows it. */
export interface PlacementStatus {
  project: string;
  url: string | undefined;
  live: Release | undefined;
  rollout: Rollout | undefined;
  replicas: { release: string; address: string; state: string; restarts: number }[];
}

/** Validates an environment's strategy YAML (config `environments[i].strategy`). */
export function parseStrategy(value: unknown, where: string): StrategySpec {
  const r = strategySchema.safeParse(value);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${[where, ...i.path].join(".")}: ${i.message}`).join("; ");
    throw new ValidationError(`invalid strategy: ${detail}`, { issues: r.error.issues });
  }
  return r.data;
}

/** Why `recover` aborted a rollout that was in flight when pitcrew stopped (the rollout's message). */
export const RESTART_ABORT_MESSAGE = "pitcrew restarted during the rollout: aborted, traffic back on the live release";

/** The listener key of a project in an environment (router env names are [a-z0-9_-]). */
export function routeKeyOf(project: string, environment: string): string {
  return `${environment}_${project
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "-")
    .slice(0, 40)}`;
}

/** Releases, rollouts and environments (the module comment has the protocol). */
export class Delivery {
  readonly #runners = new Map<number, RolloutRunner>();
  readonly #watches = new Set<AbortController>();
  #closed = false;

  readonly #build: BuildBeforeStart;

  constructor(private readonly d: DeliveryDeps) {
    this.#build = buildBeforeStart({ ...d, executorFor: d.buildExecutor });
  }

  /** The configured environments. */
  get environments(): EnvironmentSettings[] {
    return this.d.environments;
  }

  /** Starts a rollout of a project's run into an environment; returns once it is recorded. */
  async deploy(req: DeployRequest): Promise<{ release: Release; rollout: Rollout }> {
    const env = this.#env(req.environment);
    const strategy = req.strategy === undefined ? undefined : parseStrategy(req.strategy, "strategy");
    const plan = await planRelease(this.d, { project: req.project, runId: req.runId });
    if (env.promotion && !req.force) await this.#checkPromotion(env, plan.project, plan.run.commit);
    const chosen = strategy ?? plan.manifest.strategy ?? env.strategy ?? DEFAULT_STRATEGY;
    const baseline = await this.d.store.releases.live(plan.project, env.name);
    await this.#ensureIdle(plan.project, env.name);
    const at = this.d.clock.now();
    const release = await this.d.store.releases.create({
      project: plan.project,
      environment: env.name,
      runId: plan.run.id,
      commit: plan.run.commit,
      spec: { command: [], env: {}, cwd: "", replicas: 0, health: { readinessPath: "/", livenessPath: "/" } },
      triggeredBy: req.by,
      reason: req.reason,
      at,
    });
    try {
      const rendered = renderReleaseEnv(
        { ...env.env, ...plan.manifest.env },
        {
          commit: plan.run.commit,
          release: release.id,
          environment: env.name,
          urlOf: (p) => this.urlOf(p, env.name),
        },
      );
      const spec = await materializeRelease(plan, releaseDir(this.d.dataDir, release.id), {
        replicas: env.replicas,
        env: { ...rendered, PITCREW_RELEASE_ID: String(release.id), PITCREW_COMMIT: plan.run.commit },
      });
      await this.d.store.releases.setSpec(release.id, spec);
    } catch (err) {
      await this.d.store.releases.setStatus(release.id, "failed", this.d.clock.now());
      throw err;
    }
    return this.#launch(await this.d.store.releases.get(release.id), baseline, chosen, "deploy");
  }

  /**
   * Rolls a project back in an environment: an active rollout is aborted (its traffic returns to
   * the baseline); otherwise the release `toReleaseId` (default: the one live before the current
   * one) is started again and traffic switched to it blue-green.
   */
  async rollback(req: {
    project: string;
    environment: string;
    toReleaseId?: number;
    by: string;
    reason: string;
  }): Promise<{ rollout: Rollout; release?: Release }> {
    const env = this.#env(req.environment);
    const active = (await this.d.store.rollouts.active()).find(
      (r) => r.project === req.project && r.environment === env.name,
    );
    if (active && req.toReleaseId === undefined) {
      const runner = this.#runners.get(active.id);
      if (!runner) throw new ConflictError(`rollout ${active.id} is not driven by this server`);
      runner.abort(req.reason);
      return { rollout: active };
    }
    const live = await this.d.store.releases.live(req.project, env.name);
    if (!live) throw new ValidationError(`${req.project} has no live release in ${env.name} to roll back`);
    const history = await this.d.store.releases.list({ project: req.project, environment: env.name, limit: 200 });
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
    await this.#ensureIdle(req.project, env.name);
    // the release directory was built when `to` first started: a rollback only starts it again
    const { build: _built, ...spec } = to.spec;
    const created = await this.d.store.releases.create({
      project: to.project,
      environment: env.name,
      runId: to.runId,
      commit: to.commit,
      spec,
      triggeredBy: req.by,
      reason: `rollback to release ${to.id}: ${req.reason}`,
      at: this.d.clock.now(),
    });
    await this.d.store.releases.setSpec(created.id, {
      ...spec,
      env: { ...to.spec.env, PITCREW_RELEASE_ID: String(created.id) },
    });
    const release = await this.d.store.releases.get(created.id);
    const strategy = parseStrategy({ blueGreen: { autoPromote: true, scaleDownDelay: 0 } }, "rollback");
    return this.#launch(release, live, strategy, "rollback");
  }

  /**
   * `pitcrew promote`: approves the project's rollout waiting in `environment`, or else deploys
   * what is live in the environment's promotion source (its `promotion.from`).
   */
  async promoteProject(req: { project: string; environment: string; by: string }): Promise<Rollout> {
    const env = this.#env(req.environment);
    const waiting = (await this.d.store.rollouts.active()).find(
      (r) => r.project === req.project && r.environment === env.name,
    );
    if (waiting) return this.promote(waiting.id);
    if (!env.promotion) {
      throw new ValidationError(`${env.name} has no rollout of ${req.project} to approve and no promotion.from`);
    }
    const source = await this.d.store.releases.live(req.project, env.promotion.from);
    if (!source?.runId)
      throw new ValidationError(`${req.project} has nothing live in ${env.promotion.from} to promote`);
    const { rollout } = await this.deploy({
      project: req.project,
      environment: env.name,
      runId: source.runId,
      by: req.by,
      reason: `promoted from ${env.promotion.from} (release ${source.id})`,
    });
    return rollout;
  }

  /** Approves a paused rollout (or skips its timed pause). */
  async promote(rolloutId: number): Promise<Rollout> {
    const rollout = await this.d.store.rollouts.get(rolloutId);
    const runner = this.#runners.get(rolloutId);
    if (FINAL_ROLLOUT_STATES.includes(rollout.state))
      throw new ConflictError(`rollout ${rolloutId} is ${rollout.state}`);
    if (!runner?.promote()) throw new ConflictError(`rollout ${rolloutId} is not waiting for approval`);
    return rollout;
  }

  /** Aborts an active rollout: it rolls back to its baseline. */
  async abort(rolloutId: number, reason: string): Promise<Rollout> {
    const rollout = await this.d.store.rollouts.get(rolloutId);
    const runner = this.#runners.get(rolloutId);
    if (FINAL_ROLLOUT_STATES.includes(rollout.state) || !runner) {
      throw new ConflictError(`rollout ${rolloutId} is ${rollout.state}`);
    }
    runner.abort(reason);
    return rollout;
  }

  /** Resolves with the final state of a rollout. */
  async wait(rolloutId: number): Promise<RolloutState> {
    const runner = this.#runners.get(rolloutId);
    if (runner) return runner.done;
    return (await this.d.store.rollouts.get(rolloutId)).state;
  }

  /** A rollout with its steps. */
  async rollout(id: number): Promise<Rollout & { steps: RolloutStepRecord[] }> {
    const rollout = await this.d.store.rollouts.get(id);
    return { ...rollout, steps: await this.d.store.rollouts.steps(id) };
  }

  /** Base URL of the stable listener of a project in an environment, once it has one. */
  urlOf(project: string, environment: string): string | undefined {
    const router = this.d.routers[this.#env(environment).router];
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
  exchanges(environment: string): Exchange[] {
    return this.d.routers[this.#env(environment).router]?.exchanges?.() ?? [];
  }

  /** What runs in an environment: per project, the live release, the active rollout, replicas. */
  async status(environment: string): Promise<PlacementStatus[]> {
    const env = this.#env(environment);
    const releases = await this.d.store.releases.list({ environment: env.name, limit: 500 });
    const active = (await this.d.store.rollouts.active()).filter((r) => r.environment === env.name);
    const running = await this.d.target.status();
    const projects = [...new Set([...releases.map((r) => r.project), ...active.map((r) => r.project)])].sort();
    return projects.map((project) => {
      const mine = new Set(releases.filter((r) => r.project === project).map((r) => String(r.id)));
      return {
        project,
        url: this.urlOf(project, env.name),
        live: releases.find((r) => r.project === project && r.status === "live"),
        rollout: active.find((r) => r.project === project),
        replicas: running
          .filter((s) => mine.has(s.releaseId))
          .flatMap((s) =>
            s.replicas.map((r) => ({ release: s.releaseId, address: r.address, state: r.state, restarts: r.restarts })),
          ),
      };
    });
  }

  /**
   * Watches a live release for `windowMs` (re-firing or new critical alerts, the judge against
   * `baseline`): the post-deploy watch, also used by the healing loop.
   */
  async watch(release: Release, windowMs: number, baseline?: Release, signal?: AbortSignal): Promise<WatchResult> {
    return watchRelease(
      {
        bus: this.d.bus,
        router: this.d.routers[this.#env(release.environment).router]!,
        knownAlerts: this.d.alerts ? knownAlertsOf(this.d.alerts) : undefined,
      },
      {
        service: release.project,
        environment: release.environment,
        releaseId: String(release.id),
        baselineReleaseId: baseline ? String(baseline.id) : undefined,
        windowMs,
        signal,
      },
    );
  }

  /**
   * After a restart: aborts the rollouts that were in flight, stops replicas left over by the
   * previous process, and starts every live release again behind its listener at 100 %.
   */
  async recover(): Promise<void> {
    const { store, clock, events, log } = this.d;
    const interrupted = await store.rollouts.active();
    for (const r of interrupted) {
      const msg = RESTART_ABORT_MESSAGE;
      await store.rollouts.transition(r.id, rolloutSources("aborted"), "aborted", msg, clock.now());
      const rel = await store.releases.get(r.releaseId);
      if (rel.status === "pending") await store.releases.setStatus(rel.id, "failed", clock.now());
      await events.emit("rollout.aborted", `rollout:${r.id}`, { rollout: r.id, project: r.project, reason: msg });
    }
    for (const rel of await store.releases.list({ limit: 1000 })) killLeftovers(rel);
    for (const rel of await store.releases.allLive()) {
      if (!this.d.environments.some((e) => e.name === rel.environment)) continue;
      try {
        await this.#serve(rel);
        await events.emit("release.restored", `release:${rel.id}`, {
          project: rel.project,
          environment: rel.environment,
        });
      } catch (err) {
        log.error({ err, release: rel.id }, "could not restart a live release");
      }
    }
  }

  /** Stops watches and runners' replicas; routers and the target are closed by their owner. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#watches) w.abort(new Error("closing"));
    await Promise.allSettled([...this.#runners.values()].map((r) => r.done));
  }

  async #serve(rel: Release): Promise<void> {
    const env = this.#env(rel.environment);
    const status = await this.d.target.start({ id: String(rel.id), ...rel.spec });
    await this.d.store.releases.setPids(
      rel.id,
      status.replicas.flatMap((r) => (r.pid ? [r.pid] : [])),
    );
    await this.d.routers[env.router]!.setBackends(routeKeyOf(rel.project, env.name), [
      { releaseId: String(rel.id), weight: 100, upstreams: readyUpstreams(status) },
    ]);
  }

  async #launch(
    release: Release,
    baseline: Release | undefined,
    strategy: StrategySpec,
    kind: "deploy" | "rollback",
  ): Promise<{ release: Release; rollout: Rollout }> {
    if (this.#closed) throw new ConflictError("delivery is shutting down");
    const env = this.#env(release.environment);
    const rollout = await this.d.store.rollouts.create({
      project: release.project,
      environment: env.name,
      releaseId: release.id,
      baselineReleaseId: baseline?.id ?? null,
      kind: kind === "rollback" ? "rollback" : strategyKind(strategy),
      strategy,
      at: this.d.clock.now(),
    });
    await this.d.events.emit("rollout.started", `rollout:${rollout.id}`, {
      rollout: rollout.id,
      project: release.project,
      environment: env.name,
      release: release.id,
      baseline: baseline?.id ?? null,
      commit: release.commit,
      strategy: rollout.kind,
      by: release.triggeredBy,
      reason: release.reason,
    });
    const runner = new RolloutRunner(
      {
        ...this.d,
        router: this.d.routers[env.router]!,
        routeKey: routeKeyOf(release.project, env.name),
        drainMs: this.d.drainMs ?? 5_000,
        baselineEndsAs: kind === "rollback" ? "rolled_back" : "superseded",
        buildBeforeStart: this.#build,
      },
      rollout,
      release,
      baseline,
      compileStrategy(strategy, baseline !== undefined),
    );
    this.#runners.set(rollout.id, runner);
    void runner.done
      .then((state) => {
        if (state === "succeeded" && kind === "deploy" && env.watchMs > 0) this.#watchAfter(release, baseline, env);
      })
      .catch((err) => this.d.log.error({ err, rollout: rollout.id }, "rollout crashed"))
      .finally(() => this.#runners.delete(rollout.id));
    return { release, rollout };
  }

  #watchAfter(release: Release, baseline: Release | undefined, env: EnvironmentSettings): void {
    const ac = new AbortController();
    this.#watches.add(ac);
    this.watch(release, env.watchMs, baseline, ac.signal)
      .then(async (result) => {
        await this.d.events.emit("release.watched", `release:${release.id}`, {
          project: release.project,
          environment: env.name,
          verdict: result.verdict,
          reason: result.reason,
        });
        const current = await this.d.store.releases.live(release.project, env.name);
        if (result.verdict === "regressed" && current?.id === release.id && !this.#closed) {
          await this.rollback({
            project: release.project,
            environment: env.name,
            by: "pitcrew",
            reason: `post-deploy watch: ${result.reason}`,
          });
        }
      })
      .catch((err) => {
        if (!ac.signal.aborted) this.d.log.error({ err, release: release.id }, "post-deploy watch failed");
      })
      .finally(() => this.#watches.delete(ac));
  }

  async #checkPromotion(env: EnvironmentSettings, project: string, commit: string): Promise<void> {
    const rule = env.promotion!;
    const from = await this.d.store.releases.live(project, rule.from);
    const liveFor = from?.liveAt != null ? this.d.clock.now() - from.liveAt : -1;
    if (!from || from.commit !== commit || liveFor < rule.healthyForMs) {
      const now = from
        ? `${rule.from} runs ${from.commit.slice(0, 12)} (live ${Math.max(0, Math.round(liveFor / 1000))} s)`
        : `nothing is live in ${rule.from}`;
      throw new ConflictError(
        `promotion rule of ${env.name}: ${commit.slice(0, 12)} must be live in ${rule.from} for ${Math.round(rule.healthyForMs / 1000)} s first; ${now}`,
      );
    }
  }

  async #ensureIdle(project: string, environment: string): Promise<void> {
    const busy = (await this.d.store.rollouts.active()).find(
      (r) => r.project === project && r.environment === environment,
    );
    if (busy) throw new ConflictError(`${project} already has rollout ${busy.id} in progress in ${environment}`);
  }

  #env(name: string): EnvironmentSettings {
    const env = this.d.environments.find((e) => e.name === name);
    if (!env) {
      throw new NotFoundError("environment", name);
    }
    return env;
  }
}

/** Kills what is left of a release's replicas from an earlier pitcrew process (verified by their env). */
function killLeftovers(rel: Release): void {
  for (const pid of rel.pids) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (!environ.includes(`PITCREW_RELEASE_ID=${rel.id}`)) continue;
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone already, or not ours
    }
  }
}
