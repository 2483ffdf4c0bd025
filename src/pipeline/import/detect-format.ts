/**
 * Recognises CI files written for another system, so lint can say "convert it with
 * `pitcrew import`" instead of listing every key pitcrew does not know, and the importer can pick
 * its converter.
 */
import { isPlainObject } from "../../common/plain-object.js";

/** A CI file format `pitcrew import` converts. */
export type ForeignFormat = "github-actions" | "gitlab-ci";

/** Human names of the formats, for messages. */
export const FORMAT_NAMES: Record<ForeignFormat, string> = {
  "github-actions": "GitHub Actions workflow",
  "gitlab-ci": "GitLab CI file",
};

/** Keys only GitHub Actions puts on a job. */
const GITHUB_JOB_KEYS = ["strategy", "services", "container", "outputs", "permissions", "timeout-minutes", "uses"];
/** Triggers only GitHub Actions has. */
const GITHUB_TRIGGERS = ["workflow_dispatch", "schedule", "pull_request_target", "release", "workflow_call"];
/** Top-level GitLab keys that are settings, not jobs. */
const GITLAB_KEYWORDS = ["stages", "variables", "default", "include", "workflow", "image", "services", "cache"];

/**
 * The foreign format a parsed YAML document is written in, or undefined when it does not look
 * like one (a valid pitcrew pipeline never does: it has no `uses:` steps, no `stages:` and no
 * top-level jobs with `script:`).
 */
export function detectForeignFormat(doc: unknown): ForeignFormat | undefined {
  if (!isPlainObject(doc)) return undefined;
  if (looksLikeGitHub(doc)) return "github-actions";
  if (looksLikeGitLab(doc)) return "gitlab-ci";
  return undefined;
}

function looksLikeGitHub(doc: Record<string, unknown>): boolean {
  const jobs = doc.jobs;
  if (!isPlainObject(jobs)) return false;
  const on = doc.on;
  const githubTrigger =
    typeof on === "string" || Array.isArray(on) || (isPlainObject(on) && GITHUB_TRIGGERS.some((t) => t in on));
  const githubJob = Object.values(jobs).some(
    (job) =>
      isPlainObject(job) &&
      (GITHUB_JOB_KEYS.some((k) => k in job) ||
        (Array.isArray(job.steps) && job.steps.some((s) => isPlainObject(s) && "uses" in s))),
  );
  return githubJob || (githubTrigger && Object.values(jobs).some((job) => isPlainObject(job) && "runs-on" in job));
}

function looksLikeGitLab(doc: Record<string, unknown>): boolean {
  if ("jobs" in doc && isPlainObject(doc.jobs) && !("stages" in doc)) return false;
  if (Array.isArray(doc.stages)) return true;
  return Object.entries(doc).some(
    ([key, job]) =>
      !GITLAB_KEYWORDS.includes(key) &&
      isPlainObject(job) &&
      ("script" in job || (key.startsWith(".") && ("extends" in job || "before_script" in job))),
  );
}
