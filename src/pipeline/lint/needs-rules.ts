/** Rules about `needs`: every named job exists, and the graph has no cycle. */
import { didYouMean } from "../../common/did-you-mean.js";
import { findCycles } from "../compile/needs.js";
import type { LintContext } from "./lint-context.js";

/** `unknown-need`: a job needs a job that the pipeline does not define. */
export function checkUnknownNeeds(ctx: LintContext): void {
  for (const [name, job] of ctx.jobs) {
    const needs = ctx.needsOf(job);
    needs.forEach((need, i) => {
      if (Object.hasOwn(ctx.spec.jobs, need)) return;
      const path = typeof job.needs === "string" ? ["jobs", name, "needs"] : ["jobs", name, "needs", i];
      const known = Object.keys(ctx.spec.jobs).filter((j) => j !== name);
      const hint = didYouMean(need, known) || (known.length ? ` (jobs: ${known.join(", ")})` : "");
      ctx.report("error", "unknown-need", `job '${name}' needs '${need}', which is not a job of this pipeline${hint}`, {
        path,
      });
    });
  }
}

/** `cyclic-needs`: jobs that (transitively) need themselves can never start. */
export function checkCycles(ctx: LintContext): void {
  const graph = new Map(ctx.jobs.map(([name, job]) => [name, ctx.needsOf(job)]));
  for (const cycle of findCycles(graph)) {
    const first = cycle[0]!;
    ctx.report("error", "cyclic-needs", `jobs need each other in a cycle: ${cycle.join(" → ")}`, {
      path: ["jobs", first, "needs"],
      key: true,
    });
  }
}
