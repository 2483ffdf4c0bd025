/**
 * The trust model for runs (docs/security.md, "Triggers and trust"). A run's trust is decided
 * once, when it is triggered, and stored with it:
 *
 *   push | manual | cron on a protected branch ─► protected      (secrets; cache: own branch, may overwrite)
 *   push | manual | cron on any other branch   ─► branch         (secrets; cache: own branch, else default branch read-only)
 *   pull_request from the project's repository ─► pull_request   (secrets only if the project trusts PRs;
 *                                                                 cache: own PR scope, else base branch read-only)
 *   pull_request from a fork                   ─► fork           (never secrets; cache: base branch read-only, no save)
 *
 * Protected branches are the project's default branch and its `protectedBranches` globs. A
 * protected run restores only entries written by protected runs, so nothing an untrusted run
 * saved can reach it. Pull request runs compile the base branch's pipeline (trigger.ts).
 */
import picomatch from "picomatch";
import type { TriggerEvent } from "../pipeline/index.js";
import type { Project, RunTrust } from "../store/index.js";

/** Whether `branch` is protected in `project`: its default branch or one of its protected globs. */
export function isProtectedBranch(
  project: Pick<Project, "defaultBranch" | "protectedBranches">,
  branch: string,
): boolean {
  return branch === project.defaultBranch || project.protectedBranches.some((g) => picomatch(g, { dot: true })(branch));
}

/** The trust level of a run started by `event` on `branch` (see the module comment). */
export function runTrust(
  project: Pick<Project, "defaultBranch" | "protectedBranches">,
  req: { event: TriggerEvent; branch: string; fork?: boolean },
): RunTrust {
  if (req.event === "pull_request") return req.fork ? "fork" : "pull_request";
  return isProtectedBranch(project, req.branch) ? "protected" : "branch";
}

/**
 * Whether a run was pushed to the project's own repository (protected or branch), not proposed by
 * a pull request: only such runs' test outcomes may excuse a failure of another such run.
 */
export function isPushedRun(trust: RunTrust): boolean {
  return trust === "protected" || trust === "branch";
}

/** Whether a run of this trust receives the secrets its jobs ask for. */
export function receivesSecrets(trust: RunTrust, project: Pick<Project, "trustPullRequests">): boolean {
  if (trust === "fork") return false;
  if (trust === "pull_request") return project.trustPullRequests;
  return true;
}

/** Which cache scopes a run reads (in order) and writes, and whether it reads only protected entries. */
export interface CacheAccess {
  read: string[];
  /** The scope saves go to; none for read-only runs. */
  write?: string;
  /** The run is protected: it restores only entries saved by protected runs, and its saves are marked so. */
  protectedRun: boolean;
  /** Saves replace an existing entry under the same key. */
  overwrite: boolean;
}

/** The cache access of a run (see the module comment). */
export function cacheAccess(
  trust: RunTrust,
  project: Pick<Project, "defaultBranch">,
  run: { branch: string; baseBranch: string | null },
): CacheAccess {
  const own = `branch:${run.branch}`;
  const fallback = `branch:${project.defaultBranch}`;
  const base = `branch:${run.baseBranch ?? project.defaultBranch}`;
  switch (trust) {
    case "protected":
      return { read: unique([own, fallback]), write: own, protectedRun: true, overwrite: true };
    case "branch":
      return { read: unique([own, fallback]), write: own, protectedRun: false, overwrite: false };
    case "pull_request": {
      const scope = `pr:${run.branch}`;
      return { read: unique([scope, base, fallback]), write: scope, protectedRun: false, overwrite: false };
    }
    case "fork":
      return { read: unique([base, fallback]), protectedRun: false, overwrite: false };
  }
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
