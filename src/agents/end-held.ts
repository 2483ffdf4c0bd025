import { rm } from "node:fs/promises";
import { collectOutputs, endAttempt, type RunnerDeps } from "../runner/index.js";
import type { HeldJob } from "./held-job.js";
import { excusedIds } from "./held-tests.js";

/** How an agent says a held job ended (`finish`). */
export interface HeldOutcome {
  status: "success" | "failure" | "cancelled";
  reason: string | null;
  exitCode: number | null;
  /** Test ids whose failures failed no step, as the agent says (only those the server called flaky count). */
  quarantined: string[];
}

/**
 * Ends the attempt of a finished held job whose lease has ended: the files the agent uploaded are
 * collected as artifacts and reports (failures the server's advice called flaky and the agent
 * quarantined are stored as quarantined), then the attempt ends with the agent's outcome. The
 * uploads are the agent's own (untrusted) files: one that cannot be stored must not keep the
 * attempt from ending, nor the queue slot from freeing.
 */
export async function endHeldAttempt(r: RunnerDeps, h: HeldJob, outcome: HeldOutcome): Promise<void> {
  const { run, job, logs } = h.begun;
  const sys = (line: string) => logs.write(-1, "system", line);
  const excused = await excusedIds(h, outcome.quarantined);
  if (excused.dropped > 0)
    sys(
      `pitcrew: ${excused.dropped} test failure(s) the agent called quarantined are not: the server's advice never called them flaky`,
    );
  await collectOutputs(r, run, job, h.uploadDir, sys, excused.kept).catch((err) => {
    r.log.warn({ err, lease: h.lease }, "agent job: collecting its outputs failed");
    sys(`pitcrew: the job's outputs could not be collected: ${(err as Error).message}`);
  });
  await rm(h.uploadDir, { recursive: true, force: true });
  await endAttempt(r, h.begun, { status: outcome.status, reason: outcome.reason, exitCode: outcome.exitCode });
}
