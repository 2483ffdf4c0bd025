import type { AnyLearnedModel, DataItem } from "./learned-model.js";
import { type FeatureProfile, featureProfile } from "./population-stability.js";

/** Share of the newest training items whose features make the reference profile for drift. */
export const PROFILE_SHARE = 0.3;

/**
 * The reference distribution of a model's main features that drift is measured against: the
 * features of the newest {@link PROFILE_SHARE} of its training items, the older part as history.
 */
export function referenceProfile(model: AnyLearnedModel, items: readonly DataItem[]): Record<string, FeatureProfile> {
  const cut = Math.floor(items.length * (1 - PROFILE_SHARE));
  return Object.fromEntries(
    Object.entries(model.features(items.slice(0, cut), items.slice(cut))).map(([f, values]) => [
      f,
      featureProfile(values),
    ]),
  );
}
