/**
 * The pipeline's `deploy:` stage: when a run finishes `success` and its plan lists environments
 * (see `deployEnvironments`), each is deployed with that run, in the order written. Only runs of
 * protected branches deploy (runner/trust.ts): a pull request or feature branch run that passes is
 * never shipped by itself. Each deploy goes through the store's pending deploys first
 * (pending-deploys.ts): one refused because another rollout is in progress waits (`deploy.pending`)
 * and ships when a rollout of that project ends (past the post-deploy watch of a release that just
 * went live), or at the next start, unless a newer run
 * overtook it; one refused for good (promotion rule, a broken deploy.yaml) is a `deploy.skipped`
 * event with the reason. At start, the runs a crash left undeployed are recorded (undeployed-runs.ts).
 */
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { type Bus, type EventLog, onEvent } from "../events/index.js";
import type { Store } from "../store/index.js";
import type { Delivery } from "./delivery/delivery.js";
import { PendingDeploys } from "./pending-deploys.js";
import { undeployedRuns } from "./undeployed-runs.js";

/** What the deploy stage reads runs from and reports through. */
export interface PipelineDeploysDeps {
  store: Store;
  events: EventLog;
  bus: Bus;
  log: Logger;
  clock: Clock;
}

/**
 * The rollout events after which a project's pending deploys are attempted again. A deploy that
 * succeeded into an environment with a post-deploy watch waits for `release.watched` instead (and,
 * when the release regressed, for the end of the watch's rollback): a canary started inside the
 * watch window would take the watch's rollback (which aborts the rollout in flight) and leave the
 * regressed release live.
 */
const ROLLOUT_ENDS = ["rollout.succeeded", "rollout.rolled_back", "rollout.failed", "rollout.aborted"] as const;

/**
 * Subscribes to finished runs and ended rollouts, then records the runs a crash left undeployed and
 * attempts every pending deploy; returns the stop function.
 */
export async function startPipelineDeploys(deps: PipelineDeploysDeps, delivery: Delivery): Promise<() => void> {
  const { store, log, bus } = deps;
  const pending = new PendingDeploys(deps, delivery);
  const deployRun = async (runId: number) => {
    const run = await store.runs.get(runId);
    if (run.status !== "success" || !run.plan.deploy?.length) return;
    const project = await store.projects.get(run.projectId);
    if (run.trust !== "protected") {
      const reason = `run #${run.number} is not from a protected branch (trust: ${run.trust}); deploy it by hand if wanted`;
      for (const environment of run.plan.deploy)
        await deps.events.emit(
          "deploy.skipped",
          { kind: "run", id: run.id },
          { runId: run.id, project: project.name, environment, reason },
        );
      return;
    }
    for (const environment of run.plan.deploy)
      await pending.queue(run, project.name, environment, `run #${run.number} finished`);
  };
  /** Attempts the project's pending deploys, unless `wait` says another event will. */
  const attemptAll = (project: string, wait: () => Promise<boolean>) =>
    void (async () => {
      if (!(await wait())) await pending.attemptAll(project);
    })().catch((err) => log.error({ err }, "pending deploys failed"));
  const stops = [
    onEvent(bus, "run.finished", ({ data: { runId, status } }) => {
      if (status === "success") void deployRun(runId).catch((err) => log.error({ err, runId }, "deploy stage failed"));
    }),
    ...ROLLOUT_ENDS.map((type) =>
      onEvent(bus, type, ({ data }) =>
        attemptAll(
          data.project,
          async () => type === "rollout.succeeded" && watchFollows(store, delivery, data.rollout),
        ),
      ),
    ),
    // a regressed release is rolled back by its watch: the end of that rollback attempts them
    onEvent(bus, "release.watched", ({ data }) => attemptAll(data.project, async () => data.verdict === "regressed")),
  ];
  const environments = delivery.environments.map((e) => e.name);
  try {
    for (const u of await undeployedRuns(deps, environments))
      await pending.queue(u.run, u.project, u.environment, `run #${u.run.number} finished before pitcrew restarted`);
    await pending.attemptAll();
  } catch (err) {
    log.error({ err }, "recovering the pending deploys failed");
  }
  return () => {
    for (const stop of stops) stop();
    pending.stop();
  };
}

/** True when rollout `rolloutId` is a deploy into an environment whose post-deploy watch now runs. */
async function watchFollows(store: Store, delivery: Delivery, rolloutId: number): Promise<boolean> {
  const rollout = await store.rollouts.get(rolloutId);
  const env = delivery.environments.find((e) => e.name === rollout.environment);
  return rollout.kind === "deploy" && (env?.watchMs ?? 0) > 0;
}
