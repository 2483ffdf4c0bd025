/**
 * `watch`: watches a live release for a window (re-firing or new critical alerts, the judge
 * against its baseline) — the post-deploy watch, also used by the healing loop. A post-deploy
 * watch that finds the release regressed (and still live) hands it to `onRegressed`.
 */
import type { Release } from "../../store/index.js";
import { knownAlertsOf, type WatchResult, watchRelease } from "../analysis/index.js";
import type { DeliveryContext, EnvironmentSettings } from "./delivery-context.js";

/** Watches `release` for `windowMs` against `baseline`. */
export function watch(
  ctx: DeliveryContext,
  release: Release,
  windowMs: number,
  baseline?: Release,
  signal?: AbortSignal,
): Promise<WatchResult> {
  const { bus, alerts } = ctx.deps;
  return watchRelease(
    {
      bus,
      router: ctx.router(ctx.env(release.environment)),
      knownAlerts: alerts ? knownAlertsOf(alerts) : undefined,
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
 * The post-deploy watch of a release that just went live: emits `release.watched` with the
 * verdict, and calls `onRegressed` when it regressed and is still live. Ends early on `close`.
 */
export function startPostDeployWatch(
  ctx: DeliveryContext,
  release: Release,
  baseline: Release | undefined,
  env: EnvironmentSettings,
  onRegressed: (reason: string) => Promise<unknown>,
): void {
  const { events, store, log } = ctx.deps;
  const ac = new AbortController();
  ctx.watches.add(ac);
  watch(ctx, release, env.watchMs, baseline, ac.signal)
    .then(async (result) => {
      await events.emit(
        "release.watched",
        { kind: "release", id: release.id },
        {
          project: release.project,
          environment: env.name,
          verdict: result.verdict,
          reason: result.reason,
        },
      );
      const current = await store.releases.live(release.project, env.name);
      if (result.verdict === "regressed" && current?.id === release.id && !ctx.closed) {
        await onRegressed(`post-deploy watch: ${result.reason}`);
      }
    })
    .catch((err) => {
      if (!ac.signal.aborted) log.error({ err, release: release.id }, "post-deploy watch failed");
    })
    .finally(() => ctx.watches.delete(ac));
}
