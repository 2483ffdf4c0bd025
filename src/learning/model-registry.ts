/**
 * The model registry: trains versions, evaluates them on held-out time, and moves them through
 * their states. Each version's status is a compare-and-set in the store, written before its
 * event is emitted:
 *
 * ```
 * trained → candidate ─┬─ gate passes ──────────► live ── replaced / rolled back ──► retired
 *                      ├─ gate fails ───────────► refused (figures + reason kept)     │
 *                      └─ shadow ─► shadow ─ gate (held-out + shadow figures) ─► live | refused
 * retired ── rollback to it ──► live
 * ```
 * While no version is live, the model's shipped default (`initialState`) is the incumbent.
 */
import { ConflictError, ValidationError } from "../common/errors.js";
import type { EventPayloads, Subject } from "../events/index.js";
import type { ModelStatus, ModelVersion } from "../store/index.js";
import type { AnyLearnedModel, Evaluation } from "./learned-model.js";
import type { LearningDeps } from "./learning-deps.js";
import { referenceProfile } from "./reference-profile.js";
import { decidePromotion, type GateOptions, type PromotionDecision } from "./promotion-decision.js";
import { type TimeSplit, timeSplit } from "./time-split.js";

/** The incumbent a candidate is compared with: a live version, or the shipped default (version null). */
export interface Incumbent {
  version: number | null;
  state: unknown;
}

/** Most shadow evaluation units kept per version (the oldest are dropped). */
const MAX_SHADOW_UNITS = 5000;

/** Versions of every learned model, with time-split evaluation and gated promotion. */
export class ModelRegistry {
  readonly #models = new Map<string, AnyLearnedModel>();

  constructor(
    private readonly deps: LearningDeps,
    models: readonly AnyLearnedModel[],
    private readonly gate: GateOptions = {},
  ) {
    for (const m of models) this.#models.set(m.name, m);
  }

  /** Every registered model. */
  models(): AnyLearnedModel[] {
    return [...this.#models.values()];
  }

  /** A registered model by name; a ValidationError naming the known ones otherwise. */
  model(name: string): AnyLearnedModel {
    const m = this.#models.get(name);
    if (m === undefined) {
      throw new ValidationError(`unknown model '${name}' (known: ${[...this.#models.keys()].join(", ") || "none"})`);
    }
    return m;
  }

  /** The live version's state, or the shipped default with version null. */
  async incumbent(name: string, scope: string): Promise<Incumbent> {
    const live = await this.deps.store.modelVersions.live(name, scope);
    return live
      ? { version: live.version, state: live.state }
      : { version: null, state: this.model(name).initialState() };
  }

  /**
   * Trains a candidate on [trainFrom, trainTo] and evaluates it beside the incumbent on
   * (trainTo, evalTo], in the same run; stores it as `candidate` with the figures and the gate's
   * decision (not yet applied: see {@link promote}) and emits `model.trained`.
   */
  async train(
    name: string,
    scope: string,
    split: Partial<TimeSplit> & { horizonMs?: number; windowMs?: number } = {},
  ): Promise<ModelVersion> {
    const model = this.model(name);
    const s = resolveSplit(this.deps.clock.now(), split);
    const history = await model.dataset(this.deps.store, scope, { from: s.trainFrom, to: s.evalTo });
    const context = history.filter((i) => i.at <= s.trainTo);
    const held = history.filter((i) => i.at > s.trainTo);
    if (context.length === 0) {
      throw new ValidationError(
        `model ${name} (${scope}): no training data in ${iso(s.trainFrom)} … ${iso(s.trainTo)}`,
      );
    }
    const state: unknown = await model.train(context);
    const incumbent = await this.incumbent(name, scope);
    const decision = decidePromotion(
      model,
      model.evaluate(state, context, held),
      model.evaluate(incumbent.state, context, held),
      this.gate,
    );
    const profile = referenceProfile(model, context);
    const v = await this.deps.store.modelVersions.create({
      model: name,
      scope,
      status: "candidate",
      reason: `trained on ${context.length} items; gate: ${decision.reason}`,
      state,
      trainFrom: s.trainFrom,
      trainTo: s.trainTo,
      counts: { train: context.length, evaluation: held.length, evaluationUnits: decision.comparison.items },
      metrics: { evaluatedTo: s.evalTo, incumbentVersion: incumbent.version, decision },
      profile,
      codeVersion: model.codeVersion,
      parentVersion: incumbent.version,
      at: this.deps.clock.now(),
    });
    await this.deps.events.emit("model.trained", subject(v), summary(v, decision));
    return v;
  }

  /**
   * Re-evaluates a stored version on (its training end, `evalTo`] beside the current incumbent,
   * without changing anything: the figures and the decision the gate would take now.
   */
  async evaluate(
    name: string,
    scope: string,
    version: number,
    evalTo = this.deps.clock.now(),
  ): Promise<PromotionDecision> {
    const model = this.model(name);
    const v = await this.deps.store.modelVersions.get(name, scope, version);
    if (v.state === null)
      throw new ConflictError(`model ${name} v${version} (${scope}): its state was dropped (old version)`);
    const items = await model.dataset(this.deps.store, scope, { from: v.trainFrom, to: evalTo });
    const context = items.filter((i) => i.at <= v.trainTo);
    const held = items.filter((i) => i.at > v.trainTo);
    const incumbent = await this.incumbent(name, scope);
    return decidePromotion(
      model,
      model.evaluate(v.state, context, held),
      model.evaluate(incumbent.state, context, held),
      this.gate,
    );
  }

  /**
   * Applies the gate to a candidate or shadow version: its held-out figures (plus its shadow
   * figures) decide. Promoted: it becomes live, the previous live version is retired, and
   * `model.promoted` is emitted; otherwise it is `refused` with the reason and `model.refused` is
   * emitted. `force` promotes whatever the gate says, keeping its reason.
   */
  async promote(name: string, scope: string, version: number, opts: { force?: boolean } = {}): Promise<ModelVersion> {
    const v = await this.deps.store.modelVersions.get(name, scope, version);
    if (v.status !== "candidate" && v.status !== "shadow") {
      throw new ConflictError(`model ${name} v${version} (${scope}) is ${v.status}, not a candidate or shadow`);
    }
    const decision = this.#decisionWithShadow(v);
    const now = this.deps.clock.now();
    if (!decision.promote && !opts.force) {
      const refused = await this.#move(v, ["candidate", "shadow"], "refused", decision.reason, { decision });
      await this.deps.events.emit("model.refused", subject(refused), summary(refused, decision));
      return refused;
    }
    const reason = decision.promote ? decision.reason : `forced promotion over the gate (${decision.reason})`;
    const live = await this.deps.store.modelVersions.live(name, scope);
    if (live) await this.#move(live, ["live"], "retired", `replaced by v${version}`, { retiredAt: now });
    const promoted = await this.#move(v, ["candidate", "shadow"], "live", reason, { decision, promotedAt: now });
    await this.deps.events.emit("model.promoted", subject(promoted), {
      ...summary(promoted, decision),
      replaced: live?.version ?? null,
      forced: !decision.promote,
    });
    return promoted;
  }

  /** Puts a candidate in shadow mode: it predicts beside the live version until promoted or refused. */
  async shadow(name: string, scope: string, version: number): Promise<ModelVersion> {
    const v = await this.deps.store.modelVersions.get(name, scope, version);
    return this.#move(v, ["candidate"], "shadow", "shadowing the live version", {
      shadow: { candidate: [], incumbent: [], to: v.metrics.evaluatedTo ?? v.trainTo },
    });
  }

  /**
   * Scores every shadow version of a model beside the incumbent on the items that arrived since
   * its last shadow evaluation (up to `until`), and keeps their per-unit figures: they count at
   * promotion. Returns the updated shadow versions.
   */
  async recordShadow(name: string, scope: string, until = this.deps.clock.now()): Promise<ModelVersion[]> {
    const model = this.model(name);
    const incumbent = await this.incumbent(name, scope);
    const out: ModelVersion[] = [];
    for (const v of await this.deps.store.modelVersions.list({ model: name, scope, status: "shadow" })) {
      const shadow = shadowOf(v);
      const items = await model.dataset(this.deps.store, scope, { from: v.trainFrom, to: until });
      const context = items.filter((i) => i.at <= shadow.to);
      const fresh = items.filter((i) => i.at > shadow.to);
      if (fresh.length === 0) continue;
      const c = model.evaluate(v.state, context, fresh);
      const inc = model.evaluate(incumbent.state, context, fresh);
      const next = {
        candidate: [...shadow.candidate, ...c.perItem].slice(-MAX_SHADOW_UNITS),
        incumbent: [...shadow.incumbent, ...inc.perItem].slice(-MAX_SHADOW_UNITS),
        to: until,
      };
      const updated = await this.#move(
        v,
        ["shadow"],
        "shadow",
        `shadowing: ${next.candidate.length} live units scored`,
        {
          shadow: next,
        },
      );
      out.push(updated);
    }
    return out;
  }

  /**
   * Rolls the live version back: it is retired, and the version it replaced (its parent, when
   * retired with its state kept) becomes live again; otherwise the shipped default serves. Emits
   * `model.rolled_back`.
   */
  async rollback(name: string, scope: string, reason = "rolled back by a user"): Promise<ModelVersion | undefined> {
    this.model(name);
    const live = await this.deps.store.modelVersions.live(name, scope);
    if (!live) throw new ConflictError(`model ${name} (${scope}) has no live version to roll back`);
    await this.#move(live, ["live"], "retired", reason, { rolledBackAt: this.deps.clock.now() });
    let restored: ModelVersion | undefined;
    if (live.parentVersion !== null) {
      const parent = await this.deps.store.modelVersions.get(name, scope, live.parentVersion);
      if (parent.status === "retired" && parent.state !== null) {
        restored = await this.#move(parent, ["retired"], "live", `restored by the rollback of v${live.version}`);
      }
    }
    await this.deps.events.emit("model.rolled_back", subject(live), {
      model: name,
      scope,
      from: live.version,
      to: restored?.version ?? null,
      reason,
    });
    return restored;
  }

  /** A version's decision with its shadow figures appended to the held-out ones. */
  #decisionWithShadow(v: ModelVersion): PromotionDecision {
    const stored = v.metrics.decision as PromotionDecision | undefined;
    if (stored === undefined) throw new ConflictError(`model ${v.model} v${v.version} was never evaluated`);
    const shadow = shadowOf(v);
    if (shadow.candidate.length === 0) return stored;
    const model = this.model(v.model);
    const withShadow = (e: Evaluation, extra: number[]): Evaluation => ({ ...e, perItem: [...e.perItem, ...extra] });
    return decidePromotion(
      model,
      withShadow(stored.candidate, shadow.candidate),
      withShadow(stored.incumbent, shadow.incumbent),
      this.gate,
    );
  }

  async #move(
    v: ModelVersion,
    from: readonly ModelStatus[],
    to: ModelStatus,
    reason: string,
    metrics?: Record<string, unknown>,
  ): Promise<ModelVersion> {
    const moved = await this.deps.store.modelVersions.transition(v.id, from, {
      to,
      reason,
      at: this.deps.clock.now(),
      metrics,
    });
    if (!moved) throw new ConflictError(`model ${v.model} v${v.version} (${v.scope}) changed meanwhile; try again`);
    return moved;
  }
}

/** The per-unit figures a shadow version collected so far. */
function shadowOf(v: ModelVersion): { candidate: number[]; incumbent: number[]; to: number } {
  const s = v.metrics.shadow as { candidate: number[]; incumbent: number[]; to: number } | undefined;
  return s ?? { candidate: [], incumbent: [], to: v.trainTo };
}

function resolveSplit(now: number, s: Partial<TimeSplit> & { horizonMs?: number; windowMs?: number }): TimeSplit {
  if (s.trainFrom !== undefined && s.trainTo !== undefined && s.evalTo !== undefined) {
    if (!(s.trainFrom <= s.trainTo && s.trainTo < s.evalTo)) {
      throw new ValidationError("a time split needs trainFrom ≤ trainTo < evalTo");
    }
    return { trainFrom: s.trainFrom, trainTo: s.trainTo, evalTo: s.evalTo };
  }
  return timeSplit(now, s);
}

/** The event subject of a model version. */
function subject(v: ModelVersion): Subject {
  return { kind: "model", model: v.model, scope: v.scope };
}

function summary(v: ModelVersion, d: PromotionDecision): EventPayloads["model.trained"] {
  return {
    model: v.model,
    scope: v.scope,
    version: v.version,
    status: v.status,
    reason: v.reason,
    metric: d.primaryMetric,
    candidate: d.candidate.metrics[d.primaryMetric],
    incumbent: d.incumbent.metrics[d.primaryMetric],
    delta: d.comparison.meanDelta,
    pNotBetter: d.comparison.pNotBetter,
  };
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
