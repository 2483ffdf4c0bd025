/**
 * Commit statuses on GitHub, and what a commit's checks are as the forge port sees them: its
 * combined status plus its check runs (e.g. GitHub Actions); a status wins over a check run of
 * the same name (it is what pitcrew itself wrote).
 */
import type { PrCheck } from "../forge.js";
import type { GitHubClient } from "./github-client.js";
import { checkRunToCheck, type GhCheckRun, type GhCombinedStatus, type GhStatus, toCheck } from "./github-types.js";

/** One commit status to write (`description` is cut to GitHub's 140 characters). */
export interface CommitStatus {
  state: GhStatus["state"];
  context: string;
  url?: string;
  description?: string;
}

/** `POST /repos/{o}/{r}/statuses/{sha}` (`repoPath`: `/repos/{o}/{r}`). */
export async function postCommitStatus(
  api: GitHubClient,
  repoPath: string,
  sha: string,
  s: CommitStatus,
): Promise<void> {
  await api.request("POST", `${repoPath}/statuses/${sha}`, {
    idempotent: true,
    body: { state: s.state, context: s.context, target_url: s.url, description: s.description?.slice(0, 140) },
  });
}

/** The checks of commit `sha`: its statuses, then the check runs no status shadows. */
export async function readCommitChecks(api: GitHubClient, repoPath: string, sha: string): Promise<PrCheck[]> {
  const commit = `${repoPath}/commits/${sha}`;
  const [statuses, runs] = await Promise.all([
    api.request<GhCombinedStatus>("GET", `${commit}/status`, { query: { per_page: 100 } }),
    api.request<{ check_runs: GhCheckRun[] }>("GET", `${commit}/check-runs`, { query: { per_page: 100 } }),
  ]);
  const checks = statuses.data.statuses.map((s) => toCheck(sha, s));
  const named = new Set(checks.map((c) => c.name));
  for (const run of runs.data.check_runs) {
    if (named.has(run.name)) continue;
    named.add(run.name);
    checks.push(checkRunToCheck(sha, run));
  }
  return checks;
}
