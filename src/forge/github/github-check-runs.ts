/**
 * Commit checks on GitHub: a check run (Checks API; only GitHub Apps may write them, so only
 * with App authentication) and, when asked, a commit status of the same name.
 *
 *   withStatus ─► a commit status (github-commit-statuses.ts): `statusState` of the check
 *   find the run's check run: GET …/commits/{sha}/check-runs?check_name={name}&filter=all, by external_id
 *   none ─► POST …/check-runs  {name, head_sha, external_id, status, conclusion?, details_url,
 *                               output: {title, summary, annotations: the first 50}}
 *           POST failed unclearly (5xx, timeout) ─► look it up by external_id again; POST once more only if absent
 *   found, not ahead of the report ─► PATCH …/check-runs/{id} (same fields)
 *   found and ahead (completed, report in_progress) ─► nothing: a check never goes backwards
 *   more annotations ─► PATCH …/check-runs/{id} with the next 50, again and again (GitHub appends)
 *
 * Annotations go with the move to `completed`; GitHub appends them on every update, so a completed
 * check written again (a later explanation, more failed tests) first lists the annotations it
 * has (GET …/check-runs/{id}/annotations) and sends only the new ones: each failure once.
 * GitHub's limits: 50 annotations a request; a summary of at most 65 535 characters (cut here,
 * with a note); an annotation title of 255.
 */
import type { CheckAnnotation, CommitCheck, CommitCheckState } from "../commit-check.js";
import { type GitHubClient, GitHubError } from "./github-client.js";
import type { GhCheckRun } from "./github-types.js";

/** GitHub's longest check run summary, in characters. */
export const MAX_SUMMARY_CHARS = 65_535;
/** GitHub's most annotations in one create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

/** Pages of a check run's annotations read to tell which were sent, at most (pitcrew sends at most 250). */
const MAX_ANNOTATION_PAGES = 10;
/** An annotation as GitHub lists it (the fields compared). */
interface GhAnnotation {
  path: string;
  start_line: number;
  message: string;
}

const TRUNCATED = "\n\n… (truncated: GitHub shows at most 65 535 characters; the whole report is on pitcrew)";
const ORDER: Record<CommitCheckState, number> = { queued: 0, in_progress: 1, completed: 2 };

/** `summary` cut to GitHub's limit, saying so when it was cut. */
export function truncateSummary(summary: string): string {
  if (summary.length <= MAX_SUMMARY_CHARS) return summary;
  return summary.slice(0, MAX_SUMMARY_CHARS - TRUNCATED.length) + TRUNCATED;
}

/** Creates or moves forward the run's check run, as the module comment says; `url`: its absolute link. */
export async function writeCheckRun(
  api: GitHubClient,
  repoPath: string,
  check: CommitCheck,
  url: string | undefined,
): Promise<void> {
  const existing = await findCheckRun(api, repoPath, check);
  const current = existing ? (ORDER[existing.status as CommitCheckState] ?? 0) : -1;
  if (current > ORDER[check.state]) return;
  const completing = check.state === "completed" && current < ORDER.completed;
  const annotations =
    check.state !== "completed"
      ? []
      : completing
        ? (check.annotations ?? [])
        : await notYetAnnotated(api, repoPath, existing?.id ?? 0, check.annotations ?? []);
  const output = (batch: CheckAnnotation[]) => ({
    title: check.title.slice(0, 255),
    summary: truncateSummary(check.summary),
    ...(batch.length ? { annotations: batch.map(toGitHubAnnotation) } : {}),
  });
  const fields = {
    status: check.state,
    ...(check.state === "completed" ? { conclusion: check.conclusion } : {}),
    details_url: url,
    external_id: check.externalId,
    output: output(annotations.slice(0, ANNOTATIONS_PER_REQUEST)),
  };
  const id = existing
    ? (await api.request<GhCheckRun>("PATCH", `${repoPath}/check-runs/${existing.id}`, { body: fields })).data.id
    : await createCheckRun(api, repoPath, check, { name: check.name, head_sha: check.sha, ...fields });
  for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    await api.request("PATCH", `${repoPath}/check-runs/${id}`, {
      body: { output: output(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST)) },
    });
  }
}

/**
 * POSTs the check run; when GitHub fails without a clear answer (5xx, timeout: it may have
 * created it), looks it up by `external_id` and posts again only if it is not there.
 */
async function createCheckRun(api: GitHubClient, repoPath: string, check: CommitCheck, body: object): Promise<number> {
  const post = async () => (await api.request<GhCheckRun>("POST", `${repoPath}/check-runs`, { body })).data.id;
  try {
    return await post();
  } catch (err) {
    if (!(err instanceof GitHubError)) throw err;
    const created = await findCheckRun(api, repoPath, check);
    return created ? created.id : await post();
  }
}

/** The annotations of `wanted` that check run `id` does not carry yet (GitHub lists them 100 a page). */
async function notYetAnnotated(
  api: GitHubClient,
  repoPath: string,
  id: number,
  wanted: CheckAnnotation[],
): Promise<CheckAnnotation[]> {
  if (!wanted.length) return [];
  const key = (path: string, line: number, message: string) => `${path}\0${line}\0${message}`;
  const sent = new Set<string>();
  for (let page = 1; page <= MAX_ANNOTATION_PAGES; page++) {
    const res = await api.request<GhAnnotation[]>("GET", `${repoPath}/check-runs/${id}/annotations`, {
      query: { per_page: 100, page },
    });
    for (const a of res.data) sent.add(key(a.path, a.start_line, a.message));
    if (res.data.length < 100) break;
  }
  return wanted.filter((a) => !sent.has(key(a.path, a.startLine, a.message)));
}

/** The run's check run on the commit (by `external_id`), if GitHub has one. */
async function findCheckRun(api: GitHubClient, repoPath: string, check: CommitCheck): Promise<GhCheckRun | undefined> {
  const res = await api.request<{ check_runs: GhCheckRun[] }>("GET", `${repoPath}/commits/${check.sha}/check-runs`, {
    query: { check_name: check.name, filter: "all", per_page: 100 },
  });
  return res.data.check_runs.find((c) => c.external_id === check.externalId);
}

/** The commit status that stands for the check: pending until completed; a cancelled run is an `error`. */
export function statusState(check: CommitCheck): "pending" | "success" | "failure" | "error" {
  if (check.state !== "completed") return "pending";
  if (check.conclusion === "failure") return "failure";
  if (check.conclusion === "cancelled") return "error";
  return "success";
}

function toGitHubAnnotation(a: CheckAnnotation) {
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    annotation_level: a.level,
    message: a.message,
    ...(a.title ? { title: a.title.slice(0, 255) } : {}),
  };
}
