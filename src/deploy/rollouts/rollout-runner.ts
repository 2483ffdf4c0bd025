/**
 * Executes one rollout's compiled steps (strategies/strategy-spec.ts) against the deploy target
 * and the environment's router, persisting the step index and each step's record before acting
 * (states in rollout-machine.ts). While it runs, the new release's replicas are watched: a
 * replica the target gives up on rolls the rollout back. A failed analysis, a failed health gate,
 * `abort()` or a failure of any step roll back too: traffic returns to the baseline (restarted if
 * a recreate or scale-down had already stopped it) before the new release is stopped.
 *
 * When a canary analysis judges against a fresh baseline (the default, see fresh-baseline.ts),
 * the `start` step also starts replicas of the live release beside the canary's; each weight
 * then gives them the canary's share (taken from the warm live replicas), the analysis compares
 * the canary with them, and they stop once the canary takes 100 %, or at the rollback. If they
 * cannot start, the analysis falls back to the live replicas.
 *
 * `halt()` (the server is stopping) ends the runner at once — a pause, an analysis or a wait in
 * progress included — without touching the rollout: its row stays in flight, and the next
 * start's `recover` aborts it and serves the live release again, as after a crash.
 */
import type { Clock } from "../../common/clock.js";
import { sleep } from "../../common/clock.js";
import type { Logger } from "../../common/logger.js";
import type { EventLog } from "../../events/index.js";
import type { Release, Rollout, Store } from "../../store/index.js";
import { type AnalysisResult, passedOnItsOwn, runAnalysis } from "../analysis/index.js";
import type { BuildBeforeStart } from "../releases/build-step.js";
import type { Backend, TrafficRouter } from "../routers/traffic-router.js";
import type { RolloutStep } from "../strategies/strategy-spec.js";
import { type DeployTarget, readyUpstreams } from "../targets/deploy-target.js";
import { freshBaselineId, splitWithFreshBaseline } from "./fresh-baseline.js";
import { type RolloutState, rolloutSources } from "./rollout-machine.js";

/** What a rollout runs against. */
export interface RolloutRunnerDeps {
  store: Store;
  events: EventLog;
  clock: Clock;
  log: Logger;
  target: DeployTarget;
  router: TrafficRouter;
  /** Listener key of the project in the environment (the preview listener adds `_preview`). */
  routeKey: string;
  /** Evaluates PromQL for analysis checks, when a metrics source is configured. */
  query?: (promql: string) => Promise<number | undefined>;
  /** SIGTERM-to-SIGKILL time when stopping replicas. */
  drainMs: number;
  /** What the baseline becomes when the rollout succeeds (`rolled_back` for a rollback). */
  baselineEndsAs: "superseded" | "rolled_back";
  /** Runs the release's build phase before the first step (releases/build-step.ts). */
  buildBeforeStart?: BuildBeforeStart;
}

/** A step that failed in a way that should roll the rollout back. */
class RollbackNeeded extends Error {}

/** Drives one rollout to a final state; `done` settles with it. */
export class RolloutRunner {
  readonly done: Promise<RolloutState>;
  readonly #abort = new AbortController();
  readonly #halt = new AbortController();
  /** Aborted by `abort` (roll back) or `halt` (stop driving): every wait of the runner listens to it. */
  readonly #signal = AbortSignal.any([this.#abort.signal, this.#halt.signal]);
  #approve: (() => void) | undefined;
  #skipPause: (() => void) | undefined;
  #baselineRunning: boolean;
  #newHadTraffic = false;
  /** Target id of the running fresh baseline, if any. */
  #fresh: string | undefined;
  /** When the new release first got traffic (the judge's warm-up counts from it). */
  #trafficSince: number | undefined;
  /** Whether every analysis so far judged the canary at the same time as its baseline (none yet: undefined). */
  #sameTime: boolean | undefined;

  constructor(
    private readonly deps: RolloutRunnerDeps,
    private readonly rollout: Rollout,
    private readonly release: Release,
    private readonly baseline: Release | undefined,
    private readonly steps: RolloutStep[],
  ) {
    this.#baselineRunning = baseline !== undefined;
    this.done = this.#run();
  }

  /**
   * True when the rollout had analyses and every one passed on its own (none promoted by hand), its
   * judge passing the canary against a fresh baseline (the same time, the same load) on at least
   * the default minimum of requests.
   */
  get judgedAtSameTime(): boolean {
    return this.#sameTime === true;
  }

  /** Approves a pause (an indefinite one, or skips a timed one); false when nothing waits. */
  promote(): boolean {
    const f = this.#approve ?? this.#skipPause;
    if (!f) return false;
    f();
    return true;
  }

  /** Stops driving the rollout at once, leaving its persisted state for `recover` (server shutdown). */
  halt(): void {
    this.#halt.abort(new Error("delivery is stopping"));
  }

  /** Rolls the rollout back as soon as its current step can stop. */
  abort(reason: string): void {
    if (!this.#abort.signal.aborted) this.#abort.abort(new RollbackNeeded(reason));
  }

  async #run(): Promise<RolloutState> {
    // the build comes before every step (a recreate's stop included): a failed build touches nothing
    const buildFailure = await this.deps.buildBeforeStart?.(this.release, this.#signal).then(
      () => undefined,
      (err: unknown) => errorText(err),
    );
    if (buildFailure !== undefined) return this.#fail(buildFailure);
    const { store, clock } = this.deps;
    const health = setInterval(() => void this.#checkReplicas(), 500);
    let i = this.rollout.step;
    try {
      for (; i < this.steps.length; i++) {
        this.#signal.throwIfAborted();
        const step = this.steps[i]!;
        await store.rollouts.progress(this.rollout.id, { step: i, message: describe(step), at: clock.now() });
        await this.#record(i, step, "running", {});
        const detail = await this.#exec(step, i);
        await this.#record(i, step, "passed", detail);
      }
      return await this.#succeed();
    } catch (err) {
      if (this.#halt.signal.aborted) return (await store.rollouts.get(this.rollout.id)).state;
      const reason = this.#signal.aborted ? errorText(this.#signal.reason) : errorText(err);
      const step = this.steps[i];
      if (step) await this.#record(i, step, "failed", { error: reason }).catch(() => {});
      // a release that never started leaves the baseline serving as it was: nothing to roll back
      const untouched = this.baseline === undefined || this.#baselineRunning;
      if (step?.kind === "start" && !this.#signal.aborted && untouched) return this.#fail(reason);
      return this.#rollBack(reason);
    } finally {
      clearInterval(health);
      await this.#stopFresh();
    }
  }

  async #exec(step: RolloutStep, idx: number): Promise<Record<string, unknown>> {
    const { target, router, store, routeKey } = this.deps;
    const id = String(this.release.id);
    switch (step.kind) {
      case "start": {
        const [status] = await Promise.all([target.start({ id, ...this.release.spec }), this.#startFresh(step)]);
        await store.releases.setPids(
          this.release.id,
          status.replicas.flatMap((r) => (r.pid ? [r.pid] : [])),
        );
        if (step.preview) {
          await router.setBackends(`${routeKey}_preview`, [
            { releaseId: id, weight: 100, upstreams: readyUpstreams(status) },
          ]);
        }
        return {
          replicas: status.replicas.map((r) => r.address),
          ...(this.#fresh ? { freshBaseline: this.#fresh } : {}),
          ...(step.preview ? { preview: router.url(`${routeKey}_preview`) } : {}),
        };
      }
      case "stopBaseline":
        await this.#stopBaseline();
        return {};
      case "setWeight":
        await this.#route(step.weight);
        return { weight: step.weight };
      case "pause":
        return this.#pause(step.durationMs, idx);
      case "healthGate": {
        const bad = await this.#unreadyReplicas();
        if (bad.length) throw new RollbackNeeded(`health gate: replicas ${bad.join(", ")} of release ${id} not ready`);
        return { ready: true };
      }
      case "analysis":
        return this.#analyse(step, idx);
      case "scaleDown":
        if (step.delayMs > 0) await sleep(step.delayMs, this.#signal);
        await this.#route(100, { dropBaseline: true });
        await this.#stopBaseline();
        return {};
    }
  }

  async #route(weight: number, opts: { dropBaseline?: boolean } = {}): Promise<void> {
    const { target, router, store, routeKey, clock } = this.deps;
    const statuses = await target.status();
    const upstreams = (r: Release) => {
      const s = statuses.find((x) => x.releaseId === String(r.id));
      return s ? readyUpstreams(s) : [];
    };
    const backends: Backend[] = [{ releaseId: String(this.release.id), weight, upstreams: upstreams(this.release) }];
    if (this.baseline && this.#baselineRunning && !opts.dropBaseline) {
      const fresh = this.#fresh;
      const split = fresh ? splitWithFreshBaseline(weight) : { fresh: 0, live: 100 - weight };
      backends.push({ releaseId: String(this.baseline.id), weight: split.live, upstreams: upstreams(this.baseline) });
      if (fresh) {
        const s = statuses.find((x) => x.releaseId === fresh);
        backends.push({ releaseId: fresh, weight: split.fresh, upstreams: s ? readyUpstreams(s) : [] });
      }
    } else if (weight !== 100) {
      throw new RollbackNeeded(`cannot send ${100 - weight} % to a baseline that is not running`);
    }
    await router.setBackends(routeKey, backends);
    if (weight > 0) {
      this.#newHadTraffic = true;
      this.#trafficSince ??= clock.now();
    }
    if (weight === 100) await this.#stopFresh();
    await store.rollouts.progress(this.rollout.id, {
      weight,
      message: `${weight} % of traffic on the new release`,
      at: clock.now(),
    });
    await this.deps.events.emit(
      "rollout.weight",
      { kind: "rollout", id: this.rollout.id },
      { weight, ...this.#subject() },
    );
  }

  async #pause(durationMs: number | undefined, idx: number): Promise<Record<string, unknown>> {
    const { clock } = this.deps;
    if (durationMs !== undefined) {
      await this.#record(idx, this.steps[idx]!, "waiting", { until: clock.now() + durationMs });
      await new Promise<void>((resolve, reject) => {
        this.#skipPause = resolve;
        sleep(durationMs, this.#signal).then(resolve, reject);
      }).finally(() => {
        this.#skipPause = undefined;
      });
      return { waitedMs: durationMs };
    }
    return this.#waitForApproval(idx, "paused until promoted");
  }

  async #waitForApproval(idx: number, why: string): Promise<Record<string, unknown>> {
    const { store, clock, events } = this.deps;
    if (!(await store.rollouts.transition(this.rollout.id, rolloutSources("paused"), "paused", why, clock.now()))) {
      throw new RollbackNeeded("the rollout changed state while pausing");
    }
    await this.#record(idx, this.steps[idx]!, "waiting", { why });
    await events.emit("rollout.paused", { kind: "rollout", id: this.rollout.id }, { why, ...this.#subject() });
    await new Promise<void>((resolve, reject) => {
      this.#approve = resolve;
      const onAbort = () => reject(this.#signal.reason);
      if (this.#signal.aborted) return onAbort();
      this.#signal.addEventListener("abort", onAbort, { once: true });
    }).finally(() => {
      this.#approve = undefined;
    });
    await store.rollouts.transition(
      this.rollout.id,
      rolloutSources("progressing"),
      "progressing",
      "promoted",
      clock.now(),
    );
    await events.emit("rollout.resumed", { kind: "rollout", id: this.rollout.id }, this.#subject());
    return { approved: true };
  }

  async #analyse(step: Extract<RolloutStep, { kind: "analysis" }>, idx: number): Promise<Record<string, unknown>> {
    const { router, events, store, clock } = this.deps;
    const measurements: unknown[] = [];
    const judge = step.analysis.judge;
    const fresh = typeof judge === "object" && judge.baseline === "live" ? undefined : this.#fresh;
    const warm = this.baseline && this.#baselineRunning ? String(this.baseline.id) : undefined;
    const result: AnalysisResult = await runAnalysis(step.analysis, {
      service: this.release.project,
      environment: this.release.environment,
      canaryReleaseId: String(this.release.id),
      baselineReleaseId: step.on === "canary" ? (fresh ?? warm) : undefined,
      trafficSince: this.#trafficSince,
      router,
      query: this.deps.query,
      signal: this.#signal,
      clock,
      onMeasurement: async (m) => {
        measurements.push(m);
        await store.rollouts.saveStep(this.rollout.id, {
          idx,
          kind: "analysis",
          status: "running",
          detail: { measurements },
          at: clock.now(),
        });
        await events.emit(
          "rollout.analysis",
          { kind: "rollout", id: this.rollout.id },
          { measurement: m, ...this.#subject() },
        );
      },
    });
    this.#signal.throwIfAborted();
    const detail = { verdict: result.verdict, explanation: result.explanation, measurements: result.measurements };
    if (result.verdict === "fail") throw new RollbackNeeded(`analysis failed: ${result.explanation}`);
    const sameTime = step.on === "canary" && fresh !== undefined && passedOnItsOwn(step.analysis, result);
    this.#sameTime = (this.#sameTime ?? true) && sameTime;
    if (result.verdict === "inconclusive") {
      await this.#waitForApproval(idx, `analysis ${result.explanation}; promote to go on or abort to roll back`);
    }
    return detail;
  }

  async #succeed(): Promise<RolloutState> {
    const { store, clock, events } = this.deps;
    const at = clock.now();
    await store.releases.setStatus(this.release.id, "live", at);
    if (this.baseline) await store.releases.setStatus(this.baseline.id, this.deps.baselineEndsAs, at);
    await store.rollouts.transition(this.rollout.id, rolloutSources("succeeded"), "succeeded", "live", at);
    await events.emit("rollout.succeeded", { kind: "rollout", id: this.rollout.id }, this.#subject());
    await events.emit("release.live", { kind: "release", id: this.release.id }, this.#subject());
    return "succeeded";
  }

  async #fail(reason: string): Promise<RolloutState> {
    const { store, clock, events, target } = this.deps;
    await target.stop(String(this.release.id), { drainMs: 0 }).catch(() => {});
    await store.releases.setStatus(this.release.id, "failed", clock.now());
    await store.rollouts.transition(this.rollout.id, rolloutSources("failed"), "failed", reason, clock.now());
    await events.emit("rollout.failed", { kind: "rollout", id: this.rollout.id }, { reason, ...this.#subject() });
    return "failed";
  }

  async #rollBack(reason: string): Promise<RolloutState> {
    const { store, clock, events, target, router, routeKey, log } = this.deps;
    await store.rollouts.transition(
      this.rollout.id,
      rolloutSources("rolling_back"),
      "rolling_back",
      reason,
      clock.now(),
    );
    await events.emit("rollout.rolling_back", { kind: "rollout", id: this.rollout.id }, { reason, ...this.#subject() });
    try {
      if (this.baseline) {
        if (!this.#baselineRunning) {
          const status = await target.start({ id: String(this.baseline.id), ...this.baseline.spec });
          await store.releases.setPids(
            this.baseline.id,
            status.replicas.flatMap((r) => (r.pid ? [r.pid] : [])),
          );
          this.#baselineRunning = true;
        }
        const status = (await target.status()).find((s) => s.releaseId === String(this.baseline!.id));
        await router.setBackends(routeKey, [
          { releaseId: String(this.baseline.id), weight: 100, upstreams: status ? readyUpstreams(status) : [] },
        ]);
      }
    } catch (err) {
      log.error({ err, rollout: this.rollout.id }, "restoring the baseline failed");
    }
    await target.stop(String(this.release.id), { drainMs: this.deps.drainMs }).catch(() => {});
    const at = clock.now();
    await store.releases.setStatus(this.release.id, this.#newHadTraffic ? "rolled_back" : "failed", at);
    await store.rollouts.progress(this.rollout.id, { weight: 0, message: reason, at });
    await store.rollouts.transition(this.rollout.id, rolloutSources("rolled_back"), "rolled_back", reason, at);
    await events.emit("rollout.rolled_back", { kind: "rollout", id: this.rollout.id }, { reason, ...this.#subject() });
    return "rolled_back";
  }

  /**
   * Starts the fresh baseline beside the canary when an analysis of this canary judges against
   * one; a failure to start it is logged and leaves the analysis on the live replicas.
   */
  async #startFresh(step: Extract<RolloutStep, { kind: "start" }>): Promise<void> {
    const { target, store, log } = this.deps;
    const wanted = this.steps.some(
      (s) =>
        s.kind === "analysis" &&
        s.on === "canary" &&
        s.analysis.judge !== false &&
        !(typeof s.analysis.judge === "object" && s.analysis.judge.baseline === "live"),
    );
    if (!this.baseline || !this.#baselineRunning || step.preview || !wanted) return;
    const id = freshBaselineId(this.baseline.id, this.rollout.id);
    try {
      const live = await store.releases.get(this.baseline.id);
      const status = await target.start({ ...this.baseline.spec, id, replicas: this.release.spec.replicas });
      this.#fresh = id;
      // recorded on the live release (same PITCREW_RELEASE_ID) so a restart after a crash kills them too
      await store.releases.setPids(this.baseline.id, [
        ...live.pids,
        ...status.replicas.flatMap((r) => (r.pid ? [r.pid] : [])),
      ]);
    } catch (err) {
      log.warn(
        { err, rollout: this.rollout.id },
        "the fresh baseline did not start; judging against the live replicas",
      );
    }
  }

  /** Stops the fresh baseline (after the router stopped sending it requests). */
  async #stopFresh(): Promise<void> {
    const id = this.#fresh;
    if (!id || !this.baseline) return;
    this.#fresh = undefined;
    await this.deps.target.stop(id, { drainMs: this.deps.drainMs }).catch(() => {});
    const live = (await this.deps.target.status().catch(() => [])).find(
      (s) => s.releaseId === String(this.baseline!.id),
    );
    if (live) {
      await this.deps.store.releases
        .setPids(
          this.baseline.id,
          live.replicas.flatMap((r) => (r.pid ? [r.pid] : [])),
        )
        .catch(() => {});
    }
  }

  async #stopBaseline(): Promise<void> {
    if (!this.baseline || !this.#baselineRunning) return;
    await this.deps.target.stop(String(this.baseline.id), { drainMs: this.deps.drainMs });
    this.#baselineRunning = false;
  }

  async #unreadyReplicas(): Promise<number[]> {
    const s = (await this.deps.target.status()).find((x) => x.releaseId === String(this.release.id));
    if (!s) return [-1];
    return s.replicas.filter((r) => r.state !== "ready").map((r) => r.index);
  }

  async #checkReplicas(): Promise<void> {
    const s = (await this.deps.target.status().catch(() => [])).find((x) => x.releaseId === String(this.release.id));
    const failed = s?.replicas.filter((r) => r.state === "failed") ?? [];
    if (failed.length)
      this.abort(`replica ${failed.map((r) => r.index).join(", ")} of release ${this.release.id} failed`);
  }

  async #record(idx: number, step: RolloutStep, status: "running" | "waiting" | "passed" | "failed", detail: unknown) {
    const { store, clock, events } = this.deps;
    await store.rollouts.saveStep(this.rollout.id, { idx, kind: step.kind, status, detail, at: clock.now() });
    await events.emit(
      "rollout.step",
      { kind: "rollout", id: this.rollout.id },
      {
        idx,
        kind: step.kind,
        status,
        ...this.#subject(),
      },
    );
  }

  #subject() {
    return {
      rollout: this.rollout.id,
      project: this.release.project,
      environment: this.release.environment,
      release: this.release.id,
      baseline: this.baseline?.id ?? null,
    };
  }
}

/** One line about a step, for the rollout's message. */
export function describe(step: RolloutStep): string {
  switch (step.kind) {
    case "start":
      return step.preview ? "starting the new release on the preview listener" : "starting the new release";
    case "stopBaseline":
      return "stopping the old release";
    case "setWeight":
      return `shifting ${step.weight} % of traffic`;
    case "pause":
      return step.durationMs === undefined ? "paused until promoted" : `pausing ${step.durationMs} ms`;
    case "analysis":
      return `analysing ${step.analysis.count} × ${step.analysis.intervalMs} ms`;
    case "healthGate":
      return "checking replica health";
    case "scaleDown":
      return step.delayMs ? `keeping the old release ${step.delayMs} ms for fast rollback` : "stopping the old release";
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
