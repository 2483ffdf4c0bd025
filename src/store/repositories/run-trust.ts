/** How far a run is trusted, from most to least (what each level may use: runner/trust.ts). */
export type RunTrust = "protected" | "branch" | "pull_request" | "fork";

/** Every trust level, to validate stored values. */
export const RUN_TRUSTS: readonly RunTrust[] = ["protected", "branch", "pull_request", "fork"];
