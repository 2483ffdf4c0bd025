/**
 * `recover`, after pitcrew restarts: the rollouts that were in flight end `aborted` (the only
 * way a rollout gets there: `rolloutOutcome` reads it as interrupted) with their pending release
 * `failed`; the target reaps the replicas the previous process left behind; and every live
 * release is started again behind its listener at 100 %, so a `kill -9` never leaves traffic
 * pointed at nothing.
 */
import type { Release } from "../../store/index.js";
import { rolloutSources } from "../rollouts/rollout-machine.js";
import { readyUpstreams } from "../targets/deploy-target.js";
import { type DeliveryContext, routeKeyOf } from "./delivery-context.js";

/** The message of a rollout that a restart aborted (shown to people; code reads the state). */
const INTERRUPTED = "pitcrew restarted during the rollout: aborted, traffic back on the live release";

/** Puts every environment back on its live releases (see the module comment). */
export async function recover(ctx: DeliveryContext): Promise<void> {
  const { store, clock, events, log, target } = ctx.deps;
  for (const r of await store.rollouts.active()) {
    await store.rollouts.transition(r.id, rolloutSources("aborted"), "aborted", INTERRUPTED, clock.now());
    const rel = await store.releases.get(r.releaseId);
    if (rel.status === "pending") await store.releases.setStatus(rel.id, "failed", clock.now());
    await events.emit(
      "rollout.aborted",
      { kind: "rollout", id: r.id },
      { rollout: r.id, project: r.project, reason: INTERRUPTED },
    );
  }
  for (const rel of await store.releases.list({ limit: 1000 })) {
    if (rel.pids.length > 0) await target.reapLeftovers(String(rel.id), rel.pids);
  }
  for (const rel of await store.releases.allLive()) {
    if (!ctx.deps.environments.some((e) => e.name === rel.environment)) continue;
    try {
      await serve(ctx, rel);
      await events.emit(
        "release.restored",
        { kind: "release", id: rel.id },
        {
          project: rel.project,
          environment: rel.environment,
        },
      );
    } catch (err) {
      log.error({ err, release: rel.id }, "could not restart a live release");
    }
  }
}

/** Starts a live release and points its listener at it. */
async function serve(ctx: DeliveryContext, rel: Release): Promise<void> {
  const env = ctx.env(rel.environment);
  const status = await ctx.deps.target.start({ id: String(rel.id), ...rel.spec });
  await ctx.deps.store.releases.setPids(
    rel.id,
    status.replicas.flatMap((r) => (r.pid ? [r.pid] : [])),
  );
  await ctx
    .router(env)
    .setBackends(routeKeyOf(rel.project, env.name), [
      { releaseId: String(rel.id), weight: 100, upstreams: readyUpstreams(status) },
    ]);
}
