/**
 * Reads a job explanation back from the store, where it is kept as JSON the store knows nothing
 * about: the shape is checked before it is used as a `JobExplanation`.
 */
import { FAILURE_CATEGORIES, type FailureCategory } from "./category.js";
import type { JobExplanation } from "./explain-job.js";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number");
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
const isCategory = (v: unknown): v is FailureCategory => FAILURE_CATEGORIES.some((c) => c === v);
const isLine = (v: unknown) =>
  isObject(v) &&
  typeof v.line === "number" &&
  typeof v.text === "string" &&
  typeof v.score === "number" &&
  isObject(v.evidence);

/** Whether a stored explanation has the shape of a `JobExplanation` (lines, class, compared runs). */
export function isJobExplanation(v: Record<string, unknown>): v is Record<string, unknown> & JobExplanation {
  return (
    isCategory(v.category) &&
    typeof v.confidence === "number" &&
    isObject(v.votes) &&
    Array.isArray(v.evidence) &&
    v.evidence.every(isObject) &&
    Array.isArray(v.lines) &&
    v.lines.every(isLine) &&
    typeof v.totalLines === "number" &&
    typeof v.truncatedLines === "number" &&
    isNumbers(v.comparedRuns) &&
    isStrings(v.failedTests)
  );
}
