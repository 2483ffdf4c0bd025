import type { PipelineSpec } from "../spec/schema.js";
import type { TriggerContext } from "../../common/plan.js";
import { matchGlobs } from "./triggers.js";

/**
 * The environments a run deploys to when it succeeds: the `deploy:` entries whose `branches`
 * (globs; default `main` and `master`) match the branch of a push or manual run. Pull requests,
 * cron runs and other branches never deploy.
 */
export function deployEnvironments(entries: PipelineSpec["deploy"], trigger: TriggerContext): string[] {
  if (!entries || (trigger.event !== "push" && trigger.event !== "manual") || trigger.branch === undefined) return [];
  const branch = trigger.branch;
  return [
    ...new Set(entries.filter((e) => matchGlobs(e.branches ?? ["main", "master"], branch)).map((e) => e.environment)),
  ];
}
