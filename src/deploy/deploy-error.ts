/** Typed errors of the deploy domain (DESIGN.md §6). */
import { PitcrewError } from "../common/errors.js";

/** A release could not be brought up: replicas never became ready or kept crashing. */
export class ReleaseFailedError extends PitcrewError {
  override name = "ReleaseFailedError";
  override readonly status = 502;
  constructor(releaseId: string, reason: string, details?: unknown) {
    super("release_failed", `release ${JSON.stringify(releaseId)} failed: ${reason}`, details);
  }
}
