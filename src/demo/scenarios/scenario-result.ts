/** How one fault of the demo played out: a row of the summary table. */
export interface ScenarioResult {
  scenario: string;
  fault: string;
  /** What noticed it (canary analysis, an alert, an anomaly). */
  detection: string;
  diagnosis: string;
  action: string;
  /** The pull request involved, as `repo#number`. */
  pr: string;
  /** Fault visible → healthy again, in ms (undefined when it did not heal). */
  mttrMs?: number;
  healed: boolean;
  /** The path the fix took: the heal's states in order (for a heal), or the rollout's outcome. */
  branch: string[];
  /** Time spent per stage in ms (detect, diagnose, mitigate, patch, ci, deploy, verify), when known. */
  stagesMs: Record<string, number>;
}
