import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { type Bus, type EventLog, onEvent } from "../events/index.js";
import type { Heal, HealChange, HealsRepo } from "../store/index.js";
import type { Incident, IncidentsRepo } from "../store/index.js";
import type { HealActions, HealContext } from "./heal-actions.js";
import {
  assertHealTransition,
  FINAL_STATES,
  type HealPolicy,
  type HealState,
  policyStopsAfter,
} from "./heal-machine.js";

/** How the orchestrator behaves (from the `heal:` config section). */
export interface HealSettings {
  /** The automation policy of a service. */
  policyFor(service: string): HealPolicy;
  /** Repair attempts per heal before it escalates. */
  maxAttempts: number;
  /** Longest time a heal may stay in a state before it escalates, per state (ms). */
  timeouts: Partial<Record<HealState, number>>;
  /** How often active heals are advanced (ms). */
  pollMs: number;
  /** Errors thrown by one state's action before the heal fails. */
  maxActionErrors: number;
}

/** What the orchestrator needs. */
export interface HealDeps {
  heals: HealsRepo;
  incidents: IncidentsRepo;
  events: EventLog;
  actions: HealActions;
  clock: Clock;
  log: Logger;
  settings: HealSettings;
}

type Step = { to: HealState; note: string } & Omit<HealChange, "to" | "at" | "note">;

/**
 * Events after which a waiting heal may move on (CI finished, a check or merge on a pull request,
 * a rollout or release settled, an alert or incident resolved): each advances the heals at once
 * instead of at the next poll.
 */
const PROGRESS_EVENTS = [
  "run.finished",
  "pr.check",
  "pr.merged",
  "rollout.succeeded",
  "rollout.rolled_back",
  "rollout.failed",
  "rollout.aborted",
  "release.live",
  "alert.resolved",
  "incident.resolved",
] as const;

/**
 * Drives every active heal through the machine of heal-machine.ts: starts one per opened
 * incident, advances each on a timer and on the events a waiting state waits for (one action at
 * a time per heal; a heal that moved runs its new state's action at once), persists each
 * transition before the next state's action starts, and resumes whatever was in flight after a
 * restart.
 */
export class HealOrchestrator {
  readonly #inFlight = new Set<number>();
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: HealDeps) {}

  /** Starts heals for opened incidents (live and missed while down) and the advance loop; returns stop. */
  start(bus: Bus): () => void {
    const off = onEvent(bus, "incident.opened", ({ data: { id } }) => {
      void this.#startFor(id)
        .then(() => this.tick())
        .catch((err) => this.deps.log.error({ err }, "heal start failed"));
    });
    const offProgress = PROGRESS_EVENTS.map((type) => onEvent(bus, type, () => void this.tick()));
    void this.catchUp()
      .then(() => this.tick())
      .catch((err) => this.deps.log.error({ err }, "heal catch-up failed"));
    this.#timer = setInterval(() => void this.tick(), this.deps.settings.pollMs);
    this.#timer.unref();
    return () => {
      off();
      for (const o of offProgress) o();
      clearInterval(this.#timer);
      this.#abort.abort();
    };
  }

  /** Starts a heal for every unresolved incident that has none (events missed while down). */
  async catchUp(): Promise<void> {
    for (const incident of await this.deps.incidents.listUnresolved()) await this.#startFor(incident.id);
  }

  /** Advances every active heal once (each at most one action at a time); resolves when all ran. */
  async tick(): Promise<void> {
    const active = await this.deps.heals.listActive(FINAL_STATES);
    await Promise.all(active.filter((h) => !this.#inFlight.has(h.id)).map((h) => this.#advanceGuarded(h)));
  }

  /**
   * An operator's retry of an escalated or failed heal: back to diagnosing with a fresh attempt
   * budget; the timeline keeps why it had stopped.
   */
  async retry(id: number, by: string): Promise<Heal> {
    const heal = await this.deps.heals.get(id);
    assertHealTransition(id, heal.state, "diagnosing");
    const why = heal.reason ? ` (it was ${heal.state}: ${heal.reason})` : "";
    return this.#transition(heal, { to: "diagnosing", note: `retried by ${by}${why}`, attempts: 0, reason: null });
  }

  /** An operator hands a heal to a person: escalated with their reason. */
  async escalate(id: number, by: string, reason: string): Promise<Heal> {
    const heal = await this.deps.heals.get(id);
    assertHealTransition(id, heal.state, "escalated");
    return this.#transition(heal, { to: "escalated", note: `escalated by ${by}: ${reason}`, reason });
  }

  async #startFor(incidentId: number): Promise<void> {
    const { heals, incidents, clock, events } = this.deps;
    if (await heals.findByIncident(incidentId)) return;
    const incident = await incidents.get(incidentId);
    if (incident.status === "resolved") return;
    const heal = await heals.create({
      incidentId,
      service: incident.service,
      policy: this.deps.settings.policyFor(incident.service),
      detectedAt: incident.openedAt,
      at: clock.now(),
    });
    await events.emit(
      "heal.started",
      { kind: "heal", id: heal.id },
      {
        incident: incidentId,
        service: heal.service,
        policy: heal.policy,
      },
    );
  }

  async #advanceGuarded(heal: Heal): Promise<void> {
    this.#inFlight.add(heal.id);
    let current: Heal | undefined = heal;
    try {
      // a heal that moved runs its new state's action at once (bounded: every state but the
      // final ones acts, and a pending one stays)
      for (let i = 0; current && i < 20 && !FINAL_STATES.includes(current.state); i++) {
        if (this.#abort.signal.aborted) break;
        current = await this.#advance(current);
      }
    } catch (err) {
      await this.#actionFailed(current ?? heal, err);
    } finally {
      this.#inFlight.delete(heal.id);
    }
  }

  async #actionFailed(heal: Heal, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    this.deps.log.warn({ err, heal: heal.id, state: heal.state }, "heal action failed");
    const current = await this.deps.heals.get(heal.id);
    if (current.version !== heal.version) return;
    const errors = Number(current.data.actionErrors ?? 0) + 1;
    if (errors >= this.deps.settings.maxActionErrors) {
      await this.#transition(current, {
        to: "failed",
        note: `${current.state} failed ${errors}×: ${message}`,
        reason: message,
      });
      return;
    }
    await this.deps.heals.recordProgress(
      current.id,
      current.version,
      { actionErrors: errors, lastError: message },
      this.deps.clock.now(),
    );
  }

  /** Runs the heal's current state once; returns the heal when it moved to another state (undefined: it stays). */
  async #advance(heal: Heal): Promise<Heal | undefined> {
    const { clock, settings } = this.deps;
    const limit = settings.timeouts[heal.state];
    if (limit !== undefined && clock.now() - heal.stateSince > limit) {
      await this.#transition(heal, {
        to: "escalated",
        note: `stuck in ${heal.state} for over ${limit} ms`,
        reason: `timeout in ${heal.state}`,
      });
      return undefined;
    }
    const step = await this.#decide(heal);
    if (!step) return undefined;
    const next = await this.#transition(heal, step);
    return next.version !== heal.version && next.state !== heal.state ? next : undefined;
  }

  /** The machine's decisions: runs the state's action and says where to go (undefined = stay). */
  async #decide(heal: Heal): Promise<Step | undefined> {
    const { actions, settings } = this.deps;
    const ctx = await this.#context(heal);
    const stop = policyStopsAfter(heal.policy);
    const retryRepair = (why: string): Step =>
      heal.attempts < settings.maxAttempts
        ? { to: "repairing", note: `${why}; repair attempt ${heal.attempts + 1}`, attempts: heal.attempts + 1 }
        : { to: "escalated", note: `${why}; ${heal.attempts} repair attempts used`, reason: why };
    switch (heal.state) {
      case "detected":
        return { to: "diagnosing", note: `diagnosing incident ${heal.incidentId}` };
      case "diagnosing": {
        const d = await actions.diagnose(ctx);
        const data = { diagnosis: { kind: d.kind, confidence: d.confidence, summary: d.summary, ...d.data } };
        if (stop === "diagnosing")
          return {
            to: "escalated",
            note: `diagnosed: ${d.summary}; policy suggest stops here`,
            reason: "policy suggest",
            data,
            kind: d.kind,
          };
        if (d.kind === "deploy_regression")
          return { to: "mitigating", note: `deploy regression: ${d.summary}`, data, kind: d.kind };
        if (d.kind === "dependency")
          return {
            to: "escalated",
            note: `the failure comes from a dependency: ${d.summary}`,
            reason: "a dependency is failing: its own incident is where it heals",
            data,
            kind: d.kind,
          };
        if (d.kind === "unknown")
          return {
            to: "escalated",
            note: `no actionable hypothesis: ${d.summary}`,
            reason: "no actionable hypothesis",
            data,
            kind: d.kind,
          };
        return {
          to: "repairing",
          note: `${d.kind.replace("_", " ")}: ${d.summary}`,
          data,
          kind: d.kind,
          attempts: heal.attempts + 1,
        };
      }
      case "mitigating": {
        const r = await actions.mitigate(ctx);
        if (r.status === "pending") return undefined;
        return { to: "repairing", note: r.note, data: r.data, attempts: heal.attempts + 1 };
      }
      case "repairing": {
        const r = await actions.repair(ctx);
        if ("none" in r) return { to: "escalated", note: `no validated fix: ${r.none}`, reason: r.none };
        return { to: "pr_open", note: r.note, data: { pr: r.pr } };
      }
      case "pr_open":
        if (stop === "pr_open")
          return {
            to: "escalated",
            note: "pull request opened; policy pr leaves the merge to a person",
            reason: "policy pr",
          };
        return { to: "ci_running", note: "waiting for the pull request's checks" };
      case "ci_running": {
        const r = await actions.checkCi(ctx);
        if (r.status === "pending") return undefined;
        if (r.status === "success") return { to: "merging", note: r.note, data: r.data };
        return retryRepair(`CI failed: ${r.note}`);
      }
      case "merging": {
        const r = await actions.merge(ctx);
        const data = { mergeCommit: r.sha };
        if (stop === "merging")
          return {
            to: "escalated",
            note: `${r.note}; policy merge leaves the deploy to a person`,
            reason: "policy merge",
            data,
          };
        return { to: "deploying", note: r.note, data };
      }
      case "deploying": {
        const r = await actions.deploy(ctx);
        if (r.status === "pending") return undefined;
        if (r.status === "succeeded") return { to: "verifying", note: r.note, data: r.data };
        return retryRepair(`the fix's rollout was rolled back: ${r.note}`);
      }
      case "verifying": {
        const r = await actions.verify(ctx);
        if (r.status === "pending") return undefined;
        if (r.status === "healthy")
          return { to: "resolved", note: r.note, data: r.data, mttrMs: this.deps.clock.now() - heal.detectedAt };
        return { to: "rolled_back", note: r.note, data: r.data };
      }
      case "rolled_back":
        return retryRepair("the alert fired again after the fix shipped");
      default:
        return undefined;
    }
  }

  async #context(heal: Heal): Promise<HealContext> {
    const incident: Incident = await this.deps.incidents.get(heal.incidentId);
    return {
      heal,
      incident,
      signal: this.#abort.signal,
      progress: async (data) => {
        const ok = await this.deps.heals.recordProgress(heal.id, heal.version, data, this.deps.clock.now());
        if (!ok) throw new Error(`heal ${heal.id} changed while its ${heal.state} action ran`);
        Object.assign(heal.data, data);
      },
    };
  }

  async #transition(heal: Heal, step: Step): Promise<Heal> {
    const { heals, events, clock } = this.deps;
    assertHealTransition(heal.id, heal.state, step.to);
    const { to, note, ...rest } = step;
    const data = { ...rest.data, ...(heal.data.actionErrors ? { actionErrors: 0 } : {}) };
    const next = await heals.transition(
      heal.id,
      { state: heal.state, version: heal.version },
      { ...rest, to, note, data, at: clock.now() },
    );
    if (!next) return heals.get(heal.id);
    const payload = { incident: heal.incidentId, service: heal.service, from: heal.state, to, note };
    await events.emit("heal.transitioned", { kind: "heal", id: heal.id }, payload);
    if (to === "resolved" || to === "escalated" || to === "failed") {
      await events.emit(
        `heal.${to}`,
        { kind: "heal", id: heal.id },
        { ...payload, reason: next.reason, mttrMs: next.mttrMs },
      );
    }
    return next;
  }
}
