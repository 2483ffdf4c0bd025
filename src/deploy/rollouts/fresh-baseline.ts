/**
 * The fresh baseline of a canary: replicas of the live release started at the same time as the
 * canary and given the same share of traffic, so the judge compares two equally cold processes
 * under the same load (Kayenta's baseline cluster) instead of a new process against warm ones.
 * On the deploy target and in the router its replicas run as their own release id,
 * `<live release id>~fresh<rollout id>`; their environment is the live release's (so their logs
 * and `PITCREW_RELEASE_ID` are the live release's).
 */

/** The target/router id of the fresh baseline of `rolloutId` whose live release is `baselineId`. */
export function freshBaselineId(baselineId: number, rolloutId: number): string {
  return `${baselineId}~fresh${rolloutId}`;
}

/** The store's release id behind a target/router id (a release's own, or a fresh baseline's). */
export function releaseIdOf(targetId: string): number {
  return Number(/^\d+(?=~fresh\d+$)/.exec(targetId)?.[0] ?? targetId);
}

/**
 * Traffic shares with a fresh baseline: the canary gets `weight`, the fresh baseline as much
 * (capped by what is left), the warm live release the rest.
 */
export function splitWithFreshBaseline(weight: number): { canary: number; fresh: number; live: number } {
  const fresh = Math.min(weight, 100 - weight);
  return { canary: weight, fresh, live: 100 - weight - fresh };
}
