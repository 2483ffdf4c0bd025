/**
 * The pipeline's pending deploys: the newest successful protected run each (project,
 * environment) must still ship. A run is recorded in the store before its deploy is attempted
 * (store/repositories/pending-deploys-repo.ts: one row per pair, the newest run wins), and the row
 * goes only once its rollout is final, so a restart mid-rollout never loses it:
 *
 * ```
 * run finished ──► recorded ──(a newer run pending; it or a newer run went live)──► dropped: deploy.skipped
 *                     │
 *                     └─► attempt ──(rollout recorded)──► rolling out ──(rollout final)──► removed
 *                            │                                 │
 *                            │                                 └──(aborted by a restart)──► attempted again
 *                            ├──(another rollout in progress)──► waiting: deploy.pending; attempted again
 *                            │                                    when a rollout there ends, and at start
 *                            └──(promotion rule, broken deploy.yaml, …)──► removed: deploy.skipped
 * ```
 * Attempts of one pair run one at a time in this process, and the store refuses a second active
 * rollout of a pair. A newer run recorded while an older one is rolling out replaces its row (it
 * ships after); the older one is not reported skipped, since it is shipping.
 */
import type { Clock } from "../common/clock.js";
import { RolloutInProgressError } from "../common/errors.js";
import type { Logger } from "../common/logger.js";
import type { EventLog } from "../events/index.js";
import {
  FINAL_ROLLOUT_STATES,
  type PendingDeploy,
  type ReleaseStatusName,
  type Rollout,
  type Run,
  type Store,
} from "../store/index.js";
import type { Delivery } from "./delivery/delivery.js";
import { rolloutOutcome } from "./rollouts/rollout-outcome.js";

/** What the pending deploys read and report through. */
export interface PendingDeploysDeps {
  store: Store;
  events: EventLog;
  log: Logger;
  clock: Clock;
}

/** Records, attempts and re-attempts the deploy stage's deploys (see the module comment). */
export class PendingDeploys {
  /** The attempt in progress per `project\nenvironment`, so attempts of one pair never overlap. */
  readonly #attempts = new Map<string, Promise<void>>();
  /** The run whose `delivery.deploy` is under way per `project\nenvironment` (before its rollout is recorded). */
  readonly #deploying = new Map<string, number>();
  /** Set by `stop`: no attempt starts, and one refused meanwhile (delivery closing) keeps its row. */
  #stopped = false;

  constructor(
    private readonly deps: PendingDeploysDeps,
    private readonly delivery: Delivery,
  ) {}

  /**
   * Records `run` as pending in `environment` (why: `waiting`) unless it is superseded, then
   * attempts it. A run older than the one pending, or than one rolled out there, is a `deploy.skipped`.
   */
  async queue(run: Run, project: string, environment: string, waiting: string): Promise<void> {
    const { store, clock } = this.deps;
    const newer = await this.#overtaken(project, environment, run.id);
    if (newer) return this.#skip(run.id, project, environment, newer);
    const before = await store.pendingDeploys.get(project, environment);
    const pending = await store.pendingDeploys.record(
      { project, environment, runId: run.id, runNumber: run.number, commit: run.commit, waiting },
      clock.now(),
    );
    if (pending.runId !== run.id) return this.#skip(run.id, project, environment, superseded(pending));
    if (before && before.runId < run.id && !(await this.#shipping(before)))
      await this.#skip(before.runId, project, environment, superseded(pending));
    await this.attempt(project, environment);
  }

  /** Attempts the pending deploy of `project` in `environment`, if there is one; never throws. */
  attempt(project: string, environment: string): Promise<void> {
    const key = `${project}\n${environment}`;
    const previous = this.#attempts.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.#attemptNow(project, environment))
      .catch((err) => this.deps.log.error({ err, project, environment }, "pending deploy failed"));
    this.#attempts.set(key, next);
    void next.finally(() => {
      if (this.#attempts.get(key) === next) this.#attempts.delete(key);
    });
    return next;
  }

  /** Stops attempting: what is pending stays in the store for the next start. */
  stop(): void {
    this.#stopped = true;
  }

  /** Attempts every pending deploy (of `project` when given), one pair after another. */
  async attemptAll(project?: string): Promise<void> {
    for (const p of await this.deps.store.pendingDeploys.list(project)) await this.attempt(p.project, p.environment);
  }

  async #attemptNow(project: string, environment: string): Promise<void> {
    const { store, events, clock } = this.deps;
    const pending = this.#stopped ? undefined : await store.pendingDeploys.get(project, environment);
    if (!pending) return;
    const rollout = await this.#rolloutOf(pending);
    // rolling out: the end of that rollout attempts again
    if (rollout && !FINAL_ROLLOUT_STATES.includes(rollout.state)) return;
    // its rollout ended for good (live, or rolled back or failed by its analysis): nothing left to do;
    // one a restart aborted says nothing about the run, which is deployed again
    if (rollout && rolloutOutcome(rollout).kind !== "interrupted") {
      await store.pendingDeploys.remove(project, environment, pending.runId);
      return;
    }
    const newer = await this.#overtaken(project, environment, pending.runId);
    if (newer) {
      if (await store.pendingDeploys.remove(project, environment, pending.runId))
        await this.#skip(pending.runId, project, environment, newer);
      return;
    }
    const key = `${project}\n${environment}`;
    this.#deploying.set(key, pending.runId);
    try {
      const launched = await this.delivery.deploy({
        project,
        environment,
        runId: pending.runId,
        by: `pipeline:${project}#${pending.runNumber}`,
        reason: `deploy stage of run #${pending.runNumber}`,
      });
      const waiting = `rolling out (rollout ${launched.rollout.id}); kept until the rollout ends`;
      await store.pendingDeploys.setWaiting(project, environment, pending.runId, waiting, clock.now());
    } catch (err) {
      if (this.#stopped) return; // refused because delivery is closing: the next start attempts it
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof RolloutInProgressError) {
        const waiting = `waits for ${reason}`;
        await store.pendingDeploys.setWaiting(project, environment, pending.runId, waiting, clock.now());
        await events.emit("deploy.pending", { kind: "run", id: pending.runId }, { ...ref(pending), reason: waiting });
      } else if (await store.pendingDeploys.remove(project, environment, pending.runId)) {
        await this.#skip(pending.runId, project, environment, reason);
      }
    } finally {
      this.#deploying.delete(key);
    }
  }

  /** The newest rollout of a release of `p`'s run in its environment, if its deploy got that far. */
  async #rolloutOf(p: PendingDeploy): Promise<Rollout | undefined> {
    const { store } = this.deps;
    const where = { project: p.project, environment: p.environment, limit: RELEASES_READ };
    const mine = new Set((await store.releases.list(where)).filter((r) => r.runId === p.runId).map((r) => r.id));
    if (!mine.size) return undefined;
    return (await store.rollouts.list(where)).find((o) => mine.has(o.releaseId));
  }

  /** True when `p`'s run is being deployed or rolled out (or went live): it is not superseded, it ships. */
  async #shipping(p: PendingDeploy): Promise<boolean> {
    if (this.#deploying.get(`${p.project}\n${p.environment}`) === p.runId) return true;
    const rollout = await this.#rolloutOf(p);
    return rollout !== undefined && rolloutOutcome(rollout).kind !== "interrupted";
  }

  /**
   * Why run `runId` must not be deployed into `environment`, if so: a release of it or of a newer
   * run took traffic there (live, or replaced or rolled back since; a heal may have shipped it).
   */
  async #overtaken(project: string, environment: string, runId: number): Promise<string | undefined> {
    const releases = await this.deps.store.releases.list({ project, environment, limit: RELEASES_READ });
    const shipped = releases.find((r) => r.runId != null && r.runId >= runId && WENT_LIVE.has(r.status));
    if (!shipped) return undefined;
    const which = shipped.runId === runId ? "this run" : `a newer run (${shipped.commit.slice(0, 12)})`;
    return `${which} was already rolled out in ${environment} (release ${shipped.id}, now ${shipped.status})`;
  }

  async #skip(runId: number, project: string, environment: string, reason: string): Promise<void> {
    await this.deps.events.emit("deploy.skipped", { kind: "run", id: runId }, { runId, project, environment, reason });
  }
}

/** The states of a release that took traffic at some point (a canary rolled back included). */
const WENT_LIVE = new Set<ReleaseStatusName>(["live", "superseded", "rolled_back"]);
/** How many of a pair's newest releases `#overtaken` reads. */
const RELEASES_READ = 100;

/** The reason of a run whose pending deploy a newer run took over. */
const superseded = (newer: PendingDeploy) =>
  `superseded: the newer run #${newer.runNumber} (${newer.commit.slice(0, 12)}) is pending in ${newer.environment}`;

const ref = (p: PendingDeploy) => ({ runId: p.runId, project: p.project, environment: p.environment });
