/**
 * `watch`: watches a live release for a window (re-firing or new critical alerts of the service
 * that ships it, the judge against its baseline) — the post-deploy watch, also used by the healing
 * loop. A post-deploy watch that finds the release regressed (and still live) hands it to
 * `onRegressed`.
 */
import type { Release } from "../../store/index.js";
import { type JudgedMetrics, knownAlertsOf, type WatchResult, watchRelease } from "../analysis/index.js";
import { serviceOfProject } from "../releases/telemetry-env.js";
import type { DeliveryContext, EnvironmentSettings } from "./delivery-context.js";

/** How a release is watched: the release to judge it against, and on what (default all metrics). */
export interface WatchAgainst {
  baseline?: Release;
  judged?: JudgedMetrics;
  signal?: AbortSignal;
}

/**
 * Watches `release` for `windowMs` against `against.baseline`. Alerts name the registered service
 * that ships the project (see releases/telemetry-env.ts), so the watch matches them by that name.
 */
export async function watch(
  ctx: DeliveryContext,
  release: Release,
  windowMs: number,
  against: WatchAgainst = {},
): Promise<WatchResult> {
  const { bus, alerts, store } = ctx.deps;
  // not awaited here: the watch subscribes to alerts before the name is read (none is missed meanwhile)
  const service = serviceOfProject(store.services, release.project).then((s) => s?.name ?? release.project);
  return watchRelease(
    {
      bus,
      router: ctx.router(ctx.env(release.environment)),
      knownAlerts: alerts ? knownAlertsOf(alerts) : undefined,
    },
    {
      service,
      environment: release.environment,
      releaseId: String(release.id),
      baselineReleaseId: against.baseline ? String(against.baseline.id) : undefined,
      judged: against.judged,
      windowMs,
      signal: against.signal,
    },
  );
}

/** A release that just went live, the one live before it, and what the watch judges. */
export interface Watched {
  release: Release;
  baseline: Release | undefined;
  env: EnvironmentSettings;
  judged: JudgedMetrics;
}

/**
 * The post-deploy watch of a release that just went live: emits `release.watched` with the
 * verdict, and calls `onRegressed` when it regressed and is still live. Ends early on `close`.
 */
export function startPostDeployWatch(
  ctx: DeliveryContext,
  { release, baseline, env, judged }: Watched,
  onRegressed: (reason: string) => Promise<unknown>,
): void {
  const { events, store, log } = ctx.deps;
  const ac = new AbortController();
  ctx.watches.add(ac);
  watch(ctx, release, env.watchMs, { baseline, judged, signal: ac.signal })
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
