/** Why a job failed, as one of a fixed set of cause classes. */
export type FailureCategory =
  | "test"
  | "compile"
  | "lint"
  | "dependency"
  | "infrastructure"
  | "timeout"
  | "oom"
  | "flaky"
  | "config"
  | "unknown";

/** Every cause class, in the order they are documented (`unknown` last). */
export const FAILURE_CATEGORIES: readonly FailureCategory[] = [
  "test",
  "compile",
  "lint",
  "dependency",
  "infrastructure",
  "timeout",
  "oom",
  "flaky",
  "config",
  "unknown",
];
