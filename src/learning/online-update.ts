import { ConflictError, ValidationError } from "../common/errors.js";
import type { ModelVersion } from "../store/index.js";
import type { DataItem, Evaluation, LearnedModel, TimeWindow } from "./learned-model.js";
import type { LearningDeps } from "./learning-deps.js";
import type { ModelRegistry } from "./model-registry.js";
import { type PairedComparison, pairedBootstrap } from "./paired-bootstrap.js";
import { referenceProfile } from "./reference-profile.js";

/** Share of the newest items held out to validate an online update (never used to update). */
export const HELD_OUT_SHARE = 0.3;

/**
 * Versions of a model and scope whose state is kept by default (a model may keep fewer,
 * `keptStates`); older retired and refused ones keep their figures without it (online updates
 * checkpoint often: this bounds what they store).
 */
export const KEPT_STATES = 50;

/**
 * An online update behind a validation gate: the items of `window` are split in time; the older
 * part updates the incumbent (`model.update`), the newest `HELD_OUT_SHARE` validates it. When the
 * update scores worse than the incumbent on the held-out part (a lower mean of the primary
 * metric; with `onlineWorseP`, worse beyond the noise), it is rolled back: stored as `refused`
 * with the figures, the incumbent stays. Otherwise
 * it is checkpointed as the new live version (parent: the incumbent; the live version's drift
 * profile, or one made from the items it learnt from when there is none). Emits `model.updated` or
 * `model.update_rolled_back`. When another update or promotion changed the live version meanwhile,
 * the update is stored as `refused` ("superseded by a concurrent update") and a ConflictError is
 * thrown: at most one version is live.
 */
export async function applyOnlineUpdate(
  deps: LearningDeps,
  registry: ModelRegistry,
  name: string,
  scope: string,
  window: TimeWindow,
): Promise<ModelVersion> {
  const model = registry.model(name);
  if (model.update === undefined) throw new ValidationError(`model ${name} has no online update`);
  const incumbent = await registry.incumbent(name, scope);
  const live = await deps.store.modelVersions.live(name, scope);
  const from = live?.trainFrom ?? window.from;
  const items = await model.dataset(deps.store, scope, { from, to: window.to });
  const context = items.filter((i) => i.at < window.from);
  const fresh = items.filter((i) => i.at >= window.from);
  if (fresh.length < 2) {
    throw new ValidationError(`model ${name} (${scope}): too few new items for an online update (${fresh.length})`);
  }
  const { state, learn, held, after, base, comparison, worse } = onlineUpdateDecision(
    model,
    incumbent.state,
    context,
    fresh,
  );
  const primary = model.metrics[0]!;
  const figures = `${primary.name} ${fmt(after.metrics[primary.name])} vs ${fmt(base.metrics[primary.name])} on ${held.length} held-out items (${comparison.items} units)`;
  const before = [...context, ...learn];
  const now = deps.clock.now();
  const version = await deps.store.modelVersions.create({
    model: name,
    scope,
    status: "candidate",
    reason: "online update",
    state,
    trainFrom: from,
    trainTo: learn[learn.length - 1]!.at,
    counts: { train: before.length, update: learn.length, heldOut: held.length, evaluationUnits: comparison.items },
    metrics: { online: { updated: after, incumbent: base, comparison }, incumbentVersion: incumbent.version },
    profile: live && Object.keys(live.profile).length > 0 ? live.profile : referenceProfile(model, before),
    codeVersion: model.codeVersion,
    parentVersion: incumbent.version,
    at: now,
  });
  await deps.store.modelVersions.dropOldStates(name, scope, model.keptStates ?? KEPT_STATES);
  if (worse) {
    const refused = await deps.store.modelVersions.transition(version.id, ["candidate"], {
      to: "refused",
      reason: `online update rolled back: worse on recent held-out data: ${figures}`,
      at: now,
    });
    await deps.events.emit(
      "model.update_rolled_back",
      { kind: "model", model: name, scope },
      {
        model: name,
        scope,
        version: version.version,
        kept: incumbent.version,
        reason: refused?.reason,
      },
    );
    return refused ?? version;
  }
  const retired =
    live === undefined ||
    (await deps.store.modelVersions.transition(live.id, ["live"], {
      to: "retired",
      reason: `updated online by v${version.version}`,
      at: now,
    })) !== undefined;
  const kept = retired
    ? await deps.store.modelVersions.transition(version.id, ["candidate"], {
        to: "live",
        reason: `online update kept: not worse on recent held-out data: ${figures}`,
        at: now,
      })
    : undefined;
  if (kept === undefined) {
    await deps.store.modelVersions.transition(version.id, ["candidate"], {
      to: "refused",
      reason: `online update refused: superseded by a concurrent update (${figures})`,
      at: now,
    });
    throw new ConflictError(
      `model ${name} (${scope}): online update v${version.version} superseded by a concurrent update`,
    );
  }
  await deps.events.emit(
    "model.updated",
    { kind: "model", model: name, scope },
    {
      model: name,
      scope,
      version: version.version,
      replaced: incumbent.version,
      reason: kept.reason,
    },
  );
  return kept;
}

/** What an online update of `state` with `fresh` (after `context`) would do, before anything is stored. */
export interface OnlineUpdateDecision<State, Item> {
  /** The updated state. */
  state: State;
  /** The older items it learnt from and the newest ones held out to validate it. */
  learn: Item[];
  held: Item[];
  /** The updated and the current state on the held-out items. */
  after: Evaluation;
  base: Evaluation;
  comparison: PairedComparison;
  /** True when the update scores worse on them: it is rolled back. */
  worse: boolean;
}

/**
 * The online gate without the store: `fresh` (at least 2 items, oldest first) is split in time,
 * the older part updates `state`, the newest {@link HELD_OUT_SHARE} (never splitting the items of
 * one instant, when it can) validates it against `state`.
 */
export function onlineUpdateDecision<State, Item extends DataItem>(
  model: LearnedModel<State, Item, unknown, unknown>,
  state: State,
  context: readonly Item[],
  fresh: readonly Item[],
): OnlineUpdateDecision<State, Item> {
  if (model.update === undefined) throw new ValidationError(`model ${model.name} has no online update`);
  const cut = instantCut(fresh, Math.max(1, Math.floor(fresh.length * (1 - HELD_OUT_SHARE))));
  const learn = fresh.slice(0, cut);
  const held = fresh.slice(cut);
  const updated = model.update(state, context, learn);
  const before = [...context, ...learn];
  const after = model.evaluate(updated, before, held);
  const base = model.evaluate(state, before, held);
  const comparison = pairedBootstrap(after.perItem, base.perItem, {
    higherIsBetter: model.metrics[0]!.direction === "higher",
  });
  const worse = model.onlineWorseP === undefined ? comparison.meanDelta < 0 : comparison.pNotWorse < model.onlineWorseP;
  return { state: updated, learn, held, after, base, comparison, worse };
}

/**
 * `cut` moved so that items of one instant are learnt or held out together (the next update
 * starts after the newest instant learnt): forwards, else backwards when that leaves none held out.
 */
function instantCut(items: readonly DataItem[], cut: number): number {
  const splits = (c: number) => c > 0 && c < items.length && items[c]!.at === items[c - 1]!.at;
  let forward = cut;
  while (splits(forward)) forward++;
  if (forward < items.length) return forward;
  let backward = cut;
  while (splits(backward)) backward--;
  return backward > 0 ? backward : cut;
}

function fmt(x: number | undefined): string {
  return x === undefined ? "n/a" : x.toFixed(4);
}
