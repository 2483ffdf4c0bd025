/**
 * The server's side of a dependency map an agent sends for a `tests:` step with `coverage: true`
 * (`POST /api/agent/jobs/:lease/dependencies`). The server decides from its own copy of the job:
 * the step must have `coverage: true`, and only a trusted run (not a pull request, a protected
 * branch: the rule a server worker follows) writes a map, since a map says which tests a later
 * change may skip. The map itself is checked (dependency-map.ts) and stored by the same recorder
 * as a server worker's; the job's log says what was recorded, or why not.
 */
import { ValidationError } from "../common/errors.js";
import { isUntrustedTrigger, type RunnerDeps } from "../runner/index.js";
import { fromWireMap, stepFileMatcher } from "./dependency-map.js";
import type { HeldJob } from "./held-job.js";
import type { DependenciesAnswer, DependenciesBody } from "./protocol.js";

/** Records the map `body` of the job `h` holds (see the comment at the top of this file). */
export async function recordHeldDependencies(
  r: RunnerDeps,
  h: HeldJob,
  body: DependenciesBody,
): Promise<DependenciesAnswer> {
  const { run, job, logs } = h.begun;
  const tests = job.spec.steps[body.step]?.tests;
  if (!tests?.coverage)
    throw new ValidationError(`step ${body.step} of job '${job.key}' has no tests: block with coverage: true`);
  const map = fromWireMap(body, stepFileMatcher(tests.files));
  const say = (line: string) => logs.write(-1, "system", `tests: ${line}`);
  const project = await r.store.projects.get(run.projectId);
  const notRecorded = !r.tests.recorder
    ? "this server has no dependency recorder"
    : isUntrustedTrigger(project, run)
      ? "the run is untrusted (a pull request or an unprotected branch)"
      : undefined;
  if (notRecorded) {
    say(`the agent's dependency map is not recorded: ${notRecorded}`);
    return { testFiles: 0, notRecorded };
  }
  const recorded = await r.tests.recorder!.recordV8Map({ project: project.name, commit: run.commit, tests: map });
  say(`dependencies of ${recorded.testFiles} test file(s) recorded from the agent's V8 coverage`);
  return { testFiles: recorded.testFiles };
}
