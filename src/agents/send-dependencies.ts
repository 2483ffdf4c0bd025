import { isTestFileName, readV8Coverage } from "../testintel/index.js";
import { stepFileMatcher, toWireMap } from "./dependency-map.js";
import type { Assignment } from "./protocol.js";
import type { AssignmentDeps } from "./run-assignment.js";

/**
 * After `tests:` step `step` with `coverage: true` ran on the agent: reduces its V8 coverage
 * directory (often hundreds of MB) to the dependency map, here, with the server worker's rule
 * (test files named like tests, here only those the step's `files:` match; each with the
 * repository files its process executed) and sends only that map, bounded (protocol.ts). The
 * server checks it and decides whether to record it (trusted runs only) and says so in the job's
 * log; a map that cannot be read, is too big or is not heard is said in the log too, and never
 * fails the job.
 */
export async function sendDependencies(
  deps: Pick<AssignmentDeps, "client" | "agentId" | "persist">,
  a: Assignment,
  step: number,
  repoDir: string,
  coverageDir: string,
  say: (line: string) => void,
): Promise<void> {
  const tests = a.spec.steps[step]?.tests;
  if (!tests) return;
  const isStepFile = stepFileMatcher(tests.files);
  try {
    const read = await readV8Coverage(repoDir, coverageDir, (f) => isTestFileName(f) && isStepFile(f));
    if (read.deps.size === 0) return say("tests: no test file found in the V8 coverage: no dependency map sent");
    const wire = toWireMap(deps.agentId, step, read.deps);
    if ("refused" in wire) return say(`tests: dependency map not sent: ${wire.refused}`);
    if (wire.left.length > 0)
      say(`tests: ${wire.left.length} test file(s) left out of the dependency map (a path it cannot carry)`);
    await deps.persist(() => deps.client.dependencies(a.lease, wire.body));
  } catch (err) {
    say(`tests: dependency map not sent: ${(err instanceof Error ? err.message : String(err)).slice(0, 300)}`);
  }
}
