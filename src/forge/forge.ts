/**
 * The forge port: where pitcrew keeps repositories, pull requests, checks and merges.
 *
 * Lifecycle: `createRepository` once per repository (idempotent unless `mustBeNew`), then pushes
 * and pull requests.
 * A pull request follows this state machine; nothing else changes `state`:
 *
 *   open ──(push to head)──► open (synchronized: head SHA moves, checks of the old head go stale)
 *   open ──merge(policy ok, no conflict)──► merged   (terminal; base moved to the merge commit)
 *   open ──close──► closed                           (terminal)
 *
 * Concurrency: every method may be called concurrently. Moving a branch is a compare-and-set on
 * its old value (a base that moved while a merge was being prepared fails the merge with a
 * ConflictError, nothing changed); finishing a pull request is a compare-and-set on `open`.
 *
 * Errors: ValidationError for bad names/input, NotFoundError for unknown repositories or pull
 * requests, ConflictError when git cannot do it (not a fast-forward, conflicting squash, PR no
 * longer open), ForbiddenError when a protection or the merge policy refuses the actor.
 */
import type { PrCheck, PrComment, PullRequest } from "../store/index.js";
import type { CheckStatus } from "../store/index.js";
import type { CommitChecks } from "./commit-check.js";

export type { CheckStatus, PrCheck, PrComment, PullRequest };

/** The forge user the repair loop acts as: it may push feature branches and open PRs, nothing more. */
export const BOT_USER = "pitcrew-bot";

/** The check pitcrew's own pipeline result is recorded under. */
export const CI_CHECK = "pitcrew/ci";

/** A repository on the forge. */
export interface ForgeRepo {
  name: string;
  /** What `git clone`/`git push` accept for it. */
  cloneUrl: string;
}

/** How to create a repository. */
export interface CreateRepositoryOptions {
  /** A local repository whose branches (and HEAD) the new repository starts with. */
  fromPath?: string;
  /** One line describing the repository (at most 256 characters). */
  description?: string;
  /** Refuse (ConflictError) instead of returning the existing repository. */
  mustBeNew?: boolean;
}

/** What to push: the `ref` (default HEAD) of a local clone or worktree, by `actor`. */
export interface PushRequest {
  branch: string;
  fromWorktree: string;
  ref?: string;
  /** Who pushes (default: the forge's operator). The bot may not push protected branches. */
  actor?: string;
}

/** A pull request to open. */
export interface OpenPullRequest {
  repo: string;
  head: string;
  base: string;
  title: string;
  body?: string;
  labels?: string[];
  author: string;
}

/** Facts the merge policy needs that the forge cannot know (coverage, approval). */
export interface MergeEvidence {
  coverage?: { base: number; head: number };
  approvedBy?: string;
}

/** How to merge. */
export interface MergeRequest {
  method: "fast-forward" | "squash";
  by: string;
  evidence?: MergeEvidence;
}

/** A forge: see the module comment for lifecycle, concurrency and errors. */
export interface Forge {
  createRepository(name: string, opts?: CreateRepositoryOptions): Promise<ForgeRepo>;
  cloneUrl(repo: string): string;
  /** Pushes a branch; open pull requests with that head are synchronized. Returns the new SHA. */
  pushBranch(repo: string, req: PushRequest): Promise<string>;
  openPullRequest(req: OpenPullRequest): Promise<PullRequest>;
  getPullRequest(repo: string, number: number): Promise<PullRequest>;
  listPullRequests(q: { repo: string; state?: PullRequest["state"] }): Promise<PullRequest[]>;
  /** Unified diff of the pull request (merge base of base…head). */
  diff(pr: PullRequest): Promise<string>;
  /** Commits in head that are not in base, oldest first. */
  commits(pr: PullRequest): Promise<{ sha: string; subject: string; author: string }[]>;
  addComment(pr: PullRequest, c: { author: string; body: string }): Promise<PrComment>;
  listComments(pr: PullRequest): Promise<PrComment[]>;
  setCheck(pr: PullRequest, c: { name: string; status: CheckStatus; url?: string; summary?: string }): Promise<void>;
  /** Checks recorded for the pull request's current head. */
  listChecks(pr: PullRequest): Promise<PrCheck[]>;
  merge(pr: PullRequest, req: MergeRequest): Promise<PullRequest>;
  close(pr: PullRequest, by: string): Promise<PullRequest>;
  protectBranch(repo: string, branch: string, opts: { requiredChecks: string[] }): Promise<void>;
  /**
   * Checks on commits for every run, push or pull request (commit-check.ts), where the forge has
   * them: GitHub does; the local forge keeps checks on pull requests only and leaves this out.
   */
  readonly commitChecks?: CommitChecks;
}
