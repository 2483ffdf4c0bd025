import { realpath } from "node:fs/promises";
import { isTestFileName, readV8Coverage } from "../testintel/index.js";
import { stepFileMatcher, toWireMap } from "./dependency-map.js";
import type { Assignment } from "./protocol.js";
import type { AssignmentDeps } from "./run-assignment.js";

/**
 * How long sending one dependency map may take, retries included: the step's end waits for it, so
 * a server answering 5xx for good must not hold the job (the map is worth little next to that).
 */
export const DEPENDENCIES_CALL_BUDGET_MS = 30_000;

/** Where one step's coverage is: the repository checkout, the V8 coverage directory, the job's signal. */
export interface CoverageAt {
  repoDir: string;
  coverageDir: string;
  /** The job's signal: a cancelled job stops sending. */
  signal: AbortSignal;
}

/**
 * After `tests:` step `step` with `coverage: true` ran on the agent: reduces its V8 coverage
 * directory (often hundreds of MB) to the dependency map, here, with the server worker's rule
 * (test files named like tests, here only those the step's `files:` match; each with the
 * repository files its process executed) and sends only that map, bounded (protocol.ts). The
 * server checks it and decides whether to record it (trusted runs only) and says so in the job's
 * log; a map that cannot be read, is too big or is not heard (within
 * {@link DEPENDENCIES_CALL_BUDGET_MS}, or before the job is cancelled) is said in the log too, and
 * never fails the job. V8 names the files by their real path, so the checkout's is used.
 */
export async function sendDependencies(
  deps: Pick<AssignmentDeps, "client" | "agentId" | "persist">,
  a: Assignment,
  step: number,
  at: CoverageAt,
  say: (line: string) => void,
): Promise<void> {
  const tests = a.spec.steps[step]?.tests;
  if (!tests) return;
  const isStepFile = stepFileMatcher(tests.files);
  try {
    const repoDir = await realpath(at.repoDir);
    const read = await readV8Coverage(repoDir, at.coverageDir, (f) => isTestFileName(f) && isStepFile(f));
    if (read.deps.size === 0) return say("tests: no test file found in the V8 coverage: no dependency map sent");
    const wire = toWireMap(deps.agentId, step, read.deps);
    if ("refused" in wire) return say(`tests: dependency map not sent: ${wire.refused}`);
    if (wire.left.length > 0)
      say(`tests: ${wire.left.length} test file(s) left out of the dependency map (a path it cannot carry)`);
    const within = AbortSignal.any([at.signal, AbortSignal.timeout(DEPENDENCIES_CALL_BUDGET_MS)]);
    await deps.persist(() => deps.client.dependencies(a.lease, wire.body, within), {
      budgetMs: DEPENDENCIES_CALL_BUDGET_MS,
      signal: within,
    });
  } catch (err) {
    say(`tests: dependency map not sent: ${(err instanceof Error ? err.message : String(err)).slice(0, 300)}`);
  }
}
