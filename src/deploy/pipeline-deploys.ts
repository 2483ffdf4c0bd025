/**
 * The pipeline's `deploy:` stage: when a run finishes `success` and its plan lists environments
 * (see `deployEnvironments`), each is deployed with that run, in the order written. A refused
 * deploy (promotion rule, a rollout already in progress, a broken deploy.yaml) becomes a
 * `deploy.skipped` event with the reason, never a lost run. Only runs of protected branches deploy
 * (runner/trust.ts): a pull request or feature branch run that passes is never shipped by itself.
 */
import type { Logger } from "../common/logger.js";
import { type Bus, type EventLog, onEvent } from "../events/index.js";
import type { Store } from "../store/index.js";
import type { Delivery } from "./delivery/delivery.js";

/** What the deploy stage reads runs from and reports through. */
export interface PipelineDeploysDeps {
  store: Store;
  events: EventLog;
  bus: Bus;
  log: Logger;
}

/** Subscribes to finished runs; returns the stop function. */
export function startPipelineDeploys(deps: PipelineDeploysDeps, delivery: Delivery): () => void {
  const { store, events, log, bus } = deps;
  const deployRun = async (runId: number) => {
    const run = await store.runs.get(runId);
    if (run.status !== "success" || !run.plan.deploy?.length) return;
    const project = await store.projects.get(run.projectId);
    if (run.trust !== "protected") {
      const reason = `run #${run.number} is not from a protected branch (trust: ${run.trust}); deploy it by hand if wanted`;
      for (const environment of run.plan.deploy)
        await events.emit(
          "deploy.skipped",
          { kind: "run", id: run.id },
          { runId: run.id, project: project.name, environment, reason },
        );
      return;
    }
    for (const environment of run.plan.deploy) {
      try {
        await delivery.deploy({
          project: project.name,
          environment,
          runId: run.id,
          by: `pipeline:${project.name}#${run.number}`,
          reason: `deploy stage of run #${run.number} (${run.branch})`,
        });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        await events.emit(
          "deploy.skipped",
          { kind: "run", id: run.id },
          { runId: run.id, project: project.name, environment, reason },
        );
      }
    }
  };
  return onEvent(bus, "run.finished", ({ data: { runId, status } }) => {
    if (status === "success") void deployRun(runId).catch((err) => log.error({ err, runId }, "deploy stage failed"));
  });
}
