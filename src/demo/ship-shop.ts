/**
 * Builds and ships the seeded shop: a CI run of each service's `main` (reused when one already
 * passed at that commit), then a deploy of each to the environment in dependency order, skipped
 * when that commit is already live. Each live service is registered for scraping at its live
 * replica's `/metrics` (not through the router: during a canary two processes answer there).
 */
import type { App } from "../app/app.js";
import type { Delivery } from "../deploy/index.js";
import { isFinished, type Release } from "../store/index.js";
import { triggerRun } from "../runner/index.js";
import type { SeededService } from "./seed-shop.js";

/** Waits until run `id` finishes; returns its status. */
export async function waitForRun(app: App, id: number, timeoutMs = 300_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const run = await app.store.runs.get(id);
    if (isFinished(run.status)) return run.status;
    if (Date.now() > end) throw new Error(`run ${id} still ${run.status} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs CI for every seeded service at its commit (in parallel) and fails loudly if one fails. */
export async function buildShop(app: App, seeded: SeededService[]): Promise<Map<string, number>> {
  const runs = new Map<string, number>();
  await Promise.all(
    seeded.map(async (s) => {
      const done = (await app.store.runs.list({ projectId: s.project.id, limit: 20 })).find(
        (r) => r.commit === s.commit && r.status === "success",
      );
      const id =
        done?.id ??
        (
          await triggerRun(app.runner, s.project.id, {
            event: "push",
            branch: "main",
            commit: s.commit,
            triggeredBy: "demo",
          })
        ).run?.id;
      if (id === undefined) throw new Error(`the pipeline of ${s.repo} did not start`);
      const status = await waitForRun(app, id);
      if (status !== "success") throw new Error(`CI of ${s.repo} ${status} (run ${id})`);
      runs.set(s.repo, id);
    }),
  );
  return runs;
}

/** Deploys each service's run in order (dependencies first) unless a release of it is already live. */
export async function deployShop(
  app: App,
  delivery: Delivery,
  seeded: SeededService[],
  runs: Map<string, number>,
  environment: string,
): Promise<void> {
  for (const s of seeded) {
    const live = await app.store.releases.live(s.repo, environment);
    if (!live) {
      const { rollout } = await delivery.deploy({
        project: s.repo,
        environment,
        runId: runs.get(s.repo),
        by: "demo",
        reason: "initial deploy of the shop",
      });
      const state = await delivery.wait(rollout.id);
      if (state !== "succeeded")
        throw new Error(`deploying ${s.repo} ${state}: ${(await delivery.rollout(rollout.id)).message}`);
    }
    await registerForScraping(app, delivery, s, environment);
  }
}

/** Points the service's scrape target at the first ready replica of its live release. */
export async function registerForScraping(
  app: App,
  delivery: Delivery,
  s: SeededService,
  environment: string,
): Promise<void> {
  const live: Release | undefined = await app.store.releases.live(s.repo, environment);
  const placement = (await delivery.status(environment)).find((p) => p.project === s.repo);
  const replica = placement?.replicas.find((r) => r.release === String(live?.id) && r.state === "ready");
  if (!replica) return;
  await app.store.services.upsert({
    name: s.service.name,
    environment,
    metricsUrl: `http://${replica.address}${s.service.metrics}`,
    scrapeIntervalMs: 1_000,
    logSource: null,
    repository: s.repo,
    repoPath: null,
  });
  await app.observation.scrapers.sync();
}
