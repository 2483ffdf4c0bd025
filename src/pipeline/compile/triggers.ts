/**
 * Trigger filters: does a pipeline run for this event? `on:` lists the events; `branches` and
 * `paths` are glob lists evaluated in order, where `!pattern` excludes what earlier patterns
 * included (a list of only exclusions starts from "everything").
 */
import picomatch from "picomatch";
import type { TriggerContext } from "../../common/plan.js";
import type { TriggersSpec } from "../spec/schema.js";

/** `on:` when a pipeline file has none: push on any branch, and manual runs. */
export const DEFAULT_TRIGGERS: TriggersSpec = { push: {}, manual: {} };

/** True when `value` is selected by the ordered, `!`-negatable glob list. */
export function matchGlobs(patterns: readonly string[], value: string): boolean {
  let selected = patterns.every((p) => p.startsWith("!"));
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    const glob = negated ? pattern.slice(1) : pattern;
    if (picomatch(glob, { dot: true })(value)) selected = !negated;
  }
  return selected;
}

/** Whether the trigger starts this pipeline; when not, a human reason why. */
export function matchTrigger(on: TriggersSpec | undefined, trigger: TriggerContext): { skipped?: string } {
  const triggers = on ?? DEFAULT_TRIGGERS;
  const { event } = trigger;
  if (triggers[event] === undefined) return { skipped: `the pipeline has no '${event}' trigger` };
  if (event === "cron") {
    const names = (triggers.cron ?? []).map((c) => c.name);
    if (trigger.schedule !== undefined && !names.includes(trigger.schedule)) {
      return { skipped: `the pipeline has no cron schedule named '${trigger.schedule}'` };
    }
    return {};
  }
  if (event === "manual") return {};
  const filter = triggers[event] ?? {};
  const branch = event === "pull_request" ? trigger.baseBranch : trigger.branch;
  if (filter.branches && branch !== undefined && !matchGlobs(filter.branches, branch)) {
    const which = event === "pull_request" ? "base branch" : "branch";
    return { skipped: `${which} '${branch}' does not match on.${event}.branches` };
  }
  if (filter.paths && trigger.changedFiles !== undefined) {
    const paths = filter.paths;
    if (!trigger.changedFiles.some((f) => matchGlobs(paths, f))) {
      return { skipped: `no changed file matches on.${event}.paths` };
    }
  }
  return {};
}
