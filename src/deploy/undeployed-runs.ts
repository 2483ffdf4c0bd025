/**
 * The recovery scan of the deploy stage, at start: a server killed between a run's success and
 * the recording of its deploy left no pending row, so for each environment and project the
 * newest successful protected run whose plan deploys there is looked at, and is still to ship
 * when nothing handled it: no release of it or of a newer run there, no pending deploy of it or
 * of a newer run, and no `deploy.skipped` of it for that environment (a refusal stays one).
 */
import type { EventLog } from "../events/index.js";
import type { Run, Store } from "../store/index.js";

/** How many of a project's newest successful runs the scan reads. */
const RUNS_READ = 50;

/** A run the deploy stage never handled, and where it should go. */
export interface UndeployedRun {
  run: Run;
  project: string;
  environment: string;
}

/** The runs the deploy stage never handled (see the module comment), for `environments`. */
export async function undeployedRuns(
  deps: { store: Store; events: EventLog },
  environments: readonly string[],
): Promise<UndeployedRun[]> {
  const { store, events } = deps;
  const found: UndeployedRun[] = [];
  for (const project of await store.projects.list()) {
    const runs = (await store.runs.list({ projectId: project.id, status: "success", limit: RUNS_READ })).filter(
      (r) => r.trust === "protected" && (r.plan.deploy?.length ?? 0) > 0,
    );
    for (const environment of environments) {
      const run = runs.find((r) => r.plan.deploy?.includes(environment));
      if (!run) continue;
      const pending = await store.pendingDeploys.get(project.name, environment);
      if (pending && pending.runId >= run.id) continue;
      const releases = await store.releases.list({ project: project.name, environment, limit: RUNS_READ });
      if (releases.some((r) => r.runId != null && r.runId >= run.id)) continue;
      const skipped = await events.list({ subjectPrefix: `run:${run.id}`, type: "deploy.skipped" });
      if (skipped.some((e) => e.type === "deploy.skipped" && e.data.environment === environment)) continue;
      found.push({ run, project: project.name, environment });
    }
  }
  return found;
}
