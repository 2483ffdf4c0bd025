import { missingRunnerLabels } from "../../pipeline/index.js";
import type { RunnerDeps } from "./runner-deps.js";

/**
 * Why no worker can take a job with `runs-on` labels `runsOn`, or undefined when one can: this
 * server's runner (unless `runner.local: false`) or a live registered agent (online or draining)
 * whose labels cover them all. Such a job would wait forever, so the scheduler fails it now.
 */
export async function unplaceableReason(deps: RunnerDeps, runsOn: string[]): Promise<string | undefined> {
  const local = deps.options.local ? missingRunnerLabels(runsOn, deps.options.labels) : runsOn;
  if (local.length === 0) return undefined;
  const agents = await deps.store.agents.list(["online", "draining"]);
  if (agents.some((a) => missingRunnerLabels(runsOn, a.labels).length === 0)) return undefined;
  const here = deps.options.local
    ? `runner labels: ${deps.options.labels.join(", ") || "none"}`
    : "this server runs no jobs (runner.local: false)";
  if (agents.length === 0 && deps.options.local) return `no runner has label(s) ${local.join(", ")} (${here})`;
  const seen = agents.map((a) => `'${a.name}' [${a.labels.join(", ")}]`).join("; ") || "none registered";
  return `no runner or agent has label(s) ${runsOn.join(", ")} (${here}; agents: ${seen})`;
}
