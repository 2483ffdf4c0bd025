import type { Logger } from "../common/logger.js";
import type { EventLog } from "../events/index.js";

/** What could not be written: the run's check or status on a commit of a forge repository. */
export interface CheckFailure {
  runId: number;
  repo: string;
  sha: string;
  state: string;
}

/**
 * Records that a run's check or status could not be written to the forge: a warning in the log
 * and a `forge.check_failed` event on the run. The run itself is never affected.
 */
export async function recordCheckFailure(
  deps: { events: EventLog; log: Logger },
  what: CheckFailure,
  err: unknown,
): Promise<void> {
  const error = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
  deps.log.warn({ err, ...what }, "could not write the run's check to the forge; the run is not affected");
  await deps.events.emit("forge.check_failed", { kind: "run", id: what.runId }, { ...what, error });
}
