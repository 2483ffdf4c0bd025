import { randomBytes } from "node:crypto";
import { systemClock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import type { Delivery } from "../../src/deploy/index.js";
import { rolloutSources } from "../../src/deploy/rollouts/rollout-machine.js";
import { EventLog } from "../../src/events/event-log.js";
import { createMemoryBus } from "../../src/events/memory/memory-bus.js";
import { createStore, type Release, type Rollout, type Run, type Store } from "../../src/store/index.js";
import { EventsRepo } from "../../src/store/repositories/events-repo.js";
import type { TestDatabase } from "./databases.js";

/**
 * A store with one project (`web`, deploying to `production`) for the deploy stage's tests, and a
 * stand-in for `Delivery.deploy` that records what the real one records — a release and its
 * rollout in the store, which refuses a second active rollout — without starting processes.
 */
export async function deployStore(tdb: TestDatabase, repoUrl = "/nowhere") {
  const store: Store = createStore(tdb.database, systemClock, createSecretBox(randomBytes(32)));
  const bus = createMemoryBus();
  const events = new EventLog(new EventsRepo(tdb.database.db), bus, systemClock);
  const project = await store.projects.create({ name: "web", repoUrl, sandbox: false });
  const where = { project: "web", environment: "production" };
  const deployed: number[] = [];

  /** A successful protected run of `commit` whose plan deploys to production. */
  const run = (commit: string): Promise<Run> =>
    store.runs.create({
      projectId: project.id,
      event: "push",
      branch: "main",
      commit,
      plan: { name: "ci", jobs: [], deploy: ["production"] } as never,
      triggeredBy: "test",
      trust: "protected",
      status: "success",
    });

  /** Records a release of `runId` and its rollout over the live release, as `deploy` does. */
  const launch = async (runId: number, kind = "deploy"): Promise<{ release: Release; rollout: Rollout }> => {
    const r = await store.runs.get(runId);
    const live = await store.releases.live(where.project, where.environment);
    const release = await store.releases.create({
      ...where,
      runId,
      commit: r.commit,
      specOf: () => ({ cwd: "/tmp", command: ["true"], env: {} }) as never,
      triggeredBy: "test",
      reason: "test",
      at: Date.now(),
    });
    try {
      const rollout = await store.rollouts.create({
        ...where,
        releaseId: release.id,
        baselineReleaseId: live?.id ?? null,
        kind,
        strategy: {},
        at: Date.now(),
      });
      return { release, rollout };
    } catch (err) {
      await store.releases.setStatus(release.id, "failed", Date.now());
      throw err;
    }
  };

  /** Ends `rollout` as its runner would: `succeeded` (its release live) or `aborted` by a restart. */
  const end = async (rollout: Rollout, to: "succeeded" | "aborted") => {
    await store.rollouts.transition(rollout.id, rolloutSources(to), to, to, Date.now());
    if (to === "aborted") return store.releases.setStatus(rollout.releaseId, "failed", Date.now());
    if (rollout.baselineReleaseId !== null)
      await store.releases.setStatus(rollout.baselineReleaseId, "superseded", Date.now());
    await store.releases.setStatus(rollout.releaseId, "live", Date.now());
    await events.emit(
      "rollout.succeeded",
      { kind: "rollout", id: rollout.id },
      {
        rollout: rollout.id,
        ...where,
        release: rollout.releaseId,
        baseline: rollout.baselineReleaseId,
      },
    );
  };

  /** The delivery stand-in: `deploy` records into the store (and `deployed`); `hold` delays it. */
  let hold: Promise<void> = Promise.resolve();
  const delivery = {
    environments: [{ name: "production", watchMs: 0 }],
    deploy: async (req: { runId: number }) => {
      deployed.push(req.runId);
      await hold;
      return launch(req.runId);
    },
  };
  const holdDeploys = () => {
    let open = () => {};
    hold = new Promise<void>((r) => {
      open = r;
    });
    return () => open();
  };

  const skipped = async () =>
    (await events.list({ type: "deploy.skipped", limit: 100 })).map((e) => e.data as { runId: number; reason: string });

  return {
    store,
    bus,
    events,
    project,
    where,
    deployed,
    run,
    launch,
    end,
    delivery: delivery as unknown as Delivery & typeof delivery,
    holdDeploys,
    skipped,
  };
}
