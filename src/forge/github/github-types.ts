/**
 * The subset of GitHub's REST JSON pitcrew reads (declared here rather than importing vendor
 * types), and the mapping onto the forge port's shapes.
 */
import type { CheckStatus, PrCheck, PrComment, PullRequest } from "../forge.js";

/** A user as GitHub embeds it (`user`, `merged_by`, `sender`). */
export interface GhUser {
  login: string;
}

/** `GET /repos/{owner}/{repo}/pulls/{number}`. */
export interface GhPullRequest {
  id: number;
  number: number;
  state: "open" | "closed";
  title: string;
  body: string | null;
  user: GhUser | null;
  labels: { name: string }[];
  /** `repo` is null when the fork was deleted, absent in older payloads. */
  head: { ref: string; sha: string; repo?: { full_name: string } | null };
  base: { ref: string; sha: string; repo?: { full_name: string } | null };
  merged?: boolean;
  merged_at: string | null;
  merge_commit_sha: string | null;
  merged_by?: GhUser | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

/** An issue comment. */
export interface GhComment {
  id: number;
  body?: string;
  user: GhUser | null;
  created_at: string;
}

/** One commit status (`statuses` of the combined status). */
export interface GhStatus {
  context: string;
  state: "error" | "failure" | "pending" | "success";
  target_url: string | null;
  description: string | null;
  updated_at: string;
}

/** `GET /repos/{owner}/{repo}/commits/{ref}/status`: the latest status per context. */
export interface GhCombinedStatus {
  sha: string;
  statuses: GhStatus[];
}

/** A check run (`GET /repos/{owner}/{repo}/commits/{ref}/check-runs`), e.g. from GitHub Actions. */
export interface GhCheckRun {
  id: number;
  name: string;
  /** What the app that wrote it identifies it by (pitcrew: its run id). */
  external_id?: string | null;
  status: string;
  conclusion: string | null;
  details_url: string | null;
  html_url?: string | null;
  started_at: string | null;
  completed_at: string | null;
  output?: { title?: string | null; summary?: string | null };
}

/** A commit of `GET /repos/{owner}/{repo}/pulls/{number}/commits`. */
export interface GhCommit {
  sha: string;
  commit: { message: string; author: { name: string } | null };
}

/** `GET /repos/{owner}/{repo}/branches/{branch}`. */
export interface GhBranch {
  name: string;
  commit: { sha: string };
  protected: boolean;
  protection?: { required_status_checks?: { contexts?: string[] } | null };
}

const ms = (iso: string | null | undefined): number | null => (iso ? Date.parse(iso) : null);

/** A GitHub pull request as the forge port's PullRequest (merged = closed with `merged_at`). */
export function toPullRequest(repo: string, p: GhPullRequest): PullRequest {
  const merged = Boolean(p.merged_at);
  return {
    id: p.id,
    repo,
    number: p.number,
    title: p.title,
    body: p.body ?? "",
    headBranch: p.head.ref,
    headSha: p.head.sha,
    baseBranch: p.base.ref,
    baseSha: p.base.sha,
    state: merged ? "merged" : p.state,
    labels: p.labels.map((l) => l.name),
    author: p.user?.login ?? "ghost",
    mergeCommit: merged ? p.merge_commit_sha : null,
    mergedBy: merged ? (p.merged_by?.login ?? null) : null,
    createdAt: ms(p.created_at) ?? 0,
    updatedAt: ms(p.updated_at) ?? 0,
    closedAt: ms(p.closed_at),
    fork: p.head.repo === null || (p.head.repo !== undefined && p.head.repo.full_name !== p.base.repo?.full_name),
  };
}

/** An issue comment as a PrComment. */
export function toComment(c: GhComment): PrComment {
  return { id: c.id, author: c.user?.login ?? "ghost", body: c.body ?? "", createdAt: ms(c.created_at) ?? 0 };
}

/** A commit status as a PrCheck (GitHub's `error` counts as `failure`). */
export function toCheck(sha: string, s: GhStatus): PrCheck {
  const status: CheckStatus = s.state === "error" ? "failure" : s.state;
  return {
    name: s.context,
    status,
    headSha: sha,
    url: s.target_url,
    summary: s.description,
    updatedAt: ms(s.updated_at) ?? 0,
  };
}

const PASSED = new Set(["success", "neutral", "skipped"]);

/** A check run as a PrCheck: pending until completed; success, neutral and skipped pass. */
export function checkRunToCheck(sha: string, c: GhCheckRun): PrCheck {
  const status: CheckStatus =
    c.status !== "completed" ? "pending" : PASSED.has(c.conclusion ?? "") ? "success" : "failure";
  return {
    name: c.name,
    status,
    headSha: sha,
    url: c.details_url ?? c.html_url ?? null,
    summary: c.output?.title ?? c.output?.summary ?? null,
    updatedAt: ms(c.completed_at ?? c.started_at) ?? 0,
  };
}
