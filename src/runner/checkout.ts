/**
 * Repositories as the runner sees them: a bare mirror per project in the data dir, synced with
 * `ensureMirror`, from which refs are resolved, changes listed and job workspaces checked out.
 *
 * Checkout strategy: `git clone --no-checkout --no-hardlinks` from the mirror, then a detached
 * checkout of the commit. The copy is self-contained on purpose: `--shared` would leave the
 * workspace borrowing objects from the mirror, which the sandbox hides, and hardlinks would let a
 * step (running as the same user) rewrite the mirror's object files. Submodules are not fetched.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { NotFoundError, ValidationError } from "../common/errors.js";
import { ALLOWED_PROTOCOLS, checkRepoUrl, git } from "./git.js";

/** Refs a mirror keeps: branches and tags. */
const REFSPECS = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

const syncing = new Map<string, Promise<void>>();

/** How long each git call of one operation may take (git's runner kills it after; default 10 minutes). */
export interface GitDeadline {
  timeoutMs?: number;
}

/**
 * Creates (clone) or updates (fetch with prune) the bare mirror of `repoUrl` at `mirrorDir`.
 * Calls for the same mirror are serialised within the process; a first clone is made in a
 * temporary directory and renamed into place, so an interrupted clone leaves nothing behind.
 */
export async function ensureMirror(repoUrl: string, mirrorDir: string, limit: GitDeadline = {}): Promise<void> {
  const url = checkRepoUrl(repoUrl);
  const previous = syncing.get(mirrorDir) ?? Promise.resolve();
  const next = previous.then(() => syncMirror(url, mirrorDir, limit));
  const tail = next.catch(() => {});
  syncing.set(mirrorDir, tail);
  void tail.then(() => {
    if (syncing.get(mirrorDir) === tail) syncing.delete(mirrorDir);
  });
  return next;
}

async function syncMirror(url: string, mirrorDir: string, limit: GitDeadline): Promise<void> {
  const env = { GIT_ALLOW_PROTOCOL: ALLOWED_PROTOCOLS };
  const fetch = (dir: string) =>
    git(["fetch", "--quiet", "--prune", "--no-tags", "--end-of-options", url, ...REFSPECS], {
      cwd: dir,
      env,
      ...limit,
    });
  if (existsSync(join(mirrorDir, "HEAD"))) return void (await fetch(mirrorDir));
  mkdirSync(dirname(mirrorDir), { recursive: true });
  const tmp = `${mirrorDir}.tmp-${randomBytes(4).toString("hex")}`;
  try {
    await git(["init", "--bare", "--quiet", tmp], { cwd: dirname(mirrorDir), ...limit });
    await fetch(tmp);
    renameSync(tmp, mirrorDir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Fetches pull request `number`'s head into the mirror as `refs/pitcrew/pull/<number>`, from the
 * `refs/pull/<number>/head` ref GitHub, Gitea and Forgejo keep in the base repository: how the
 * commits of a pull request from a fork reach the mirror. Serialised with `ensureMirror`.
 */
export async function fetchPullHead(repoUrl: string, mirrorDir: string, number: number): Promise<void> {
  if (!Number.isSafeInteger(number) || number <= 0) throw new ValidationError(`invalid pull request number ${number}`);
  const url = checkRepoUrl(repoUrl);
  const env = { GIT_ALLOW_PROTOCOL: ALLOWED_PROTOCOLS };
  const refspec = `+refs/pull/${number}/head:refs/pitcrew/pull/${number}`;
  const previous = syncing.get(mirrorDir) ?? Promise.resolve();
  const next = previous.then(async () => {
    try {
      await git(["fetch", "--quiet", "--no-tags", "--end-of-options", url, refspec], { cwd: mirrorDir, env });
    } catch {
      throw new NotFoundError("pull request head ref", `refs/pull/${number}/head`);
    }
  });
  const tail = next.catch(() => {});
  syncing.set(mirrorDir, tail);
  void tail.then(() => {
    if (syncing.get(mirrorDir) === tail) syncing.delete(mirrorDir);
  });
  return next;
}

/** A full SHA-1 or SHA-256 object name as git prints it. */
const FULL_SHA = /^[0-9a-f]{40,64}$/;

/** Resolves a branch, tag or commit to a full commit SHA; branches win over tags of the same name. */
export async function resolveRef(mirrorDir: string, ref: string, limit: GitDeadline = {}): Promise<string> {
  if (!ref || /[\0\n]/.test(ref)) throw new ValidationError(`invalid git ref: ${JSON.stringify(ref)}`);
  // Both candidates in one git process (each spawn costs milliseconds): one answer line per
  // input line, `<sha> commit <size>` when it names a commit, `<name> missing` (or ambiguous) when not.
  const candidates = [`refs/heads/${ref}`, ref].map((c) => `${c}^{commit}`);
  const input = `${candidates.join("\n")}\n`;
  const out = await git(["cat-file", "--batch-check"], { cwd: mirrorDir, input, ...limit }).catch(() => "");
  for (const line of out.split("\n")) {
    const [sha, type] = line.split(" ");
    if (type === "commit" && sha && FULL_SHA.test(sha)) return sha;
  }
  throw new NotFoundError("git ref", ref);
}

/** One branch head of a mirror. */
export interface BranchHead {
  branch: string;
  sha: string;
}

/** Every branch of the mirror with its head commit. */
export async function listBranches(mirrorDir: string): Promise<BranchHead[]> {
  const out = await git(["for-each-ref", "--format=%(objectname)%09%(refname:lstrip=2)", "refs/heads/"], {
    cwd: mirrorDir,
  });
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      return { sha: line.slice(0, tab), branch: line.slice(tab + 1) };
    });
}

/**
 * Paths changed between `fromSha` and `toSha` (both sides of renames). Without a usable
 * `fromSha` (a new branch: undefined or all zeros, or a commit the mirror no longer has after a
 * force-push) it falls back to the files changed by `toSha` itself.
 */
export async function changedFiles(mirrorDir: string, fromSha: string | undefined, toSha: string): Promise<string[]> {
  const to = await resolveRef(mirrorDir, toSha);
  const from =
    fromSha && !/^0+$/.test(fromSha) ? await resolveRef(mirrorDir, fromSha).catch(() => undefined) : undefined;
  const args = from
    ? ["diff", "--name-only", "--no-renames", "-z", from, to]
    : ["diff-tree", "--no-commit-id", "--name-only", "--no-renames", "-r", "-z", "--root", to];
  return (await git(args, { cwd: mirrorDir })).split("\0").filter(Boolean);
}

/** Where and what to check out. */
export interface CheckoutRequest {
  mirrorDir: string;
  /** The commit (full SHA, or any ref the mirror resolves). */
  commit: string;
  /** The commit's full SHA when the caller already resolved it in this mirror (saves a git process). */
  sha?: string;
  /** Destination directory: absent or empty. */
  dest: string;
}

/** Makes `dest` a working tree (with its own `.git`) at `commit`, detached. */
export async function checkout(req: CheckoutRequest, limit: GitDeadline = {}): Promise<void> {
  const sha = req.sha && FULL_SHA.test(req.sha) ? req.sha : await resolveRef(req.mirrorDir, req.commit, limit);
  mkdirSync(req.dest, { recursive: true });
  await git(["clone", "--quiet", "--no-checkout", "--no-hardlinks", "--", req.mirrorDir, req.dest], {
    cwd: dirname(req.dest),
    ...limit,
  });
  await git(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", sha], { cwd: req.dest, ...limit });
}

/** What the dashboard shows about a commit. */
export interface CommitInfo {
  sha: string;
  /** `Name <email>` of the author. */
  author: string;
  message: string;
  /** Author time, epoch ms. */
  time: number;
}

/** Author, message and time of `sha` in the mirror. */
export async function commitInfo(mirrorDir: string, sha: string): Promise<CommitInfo> {
  const full = await resolveRef(mirrorDir, sha);
  const out = await git(["log", "-1", "--format=%H%x00%an <%ae>%x00%at%x00%B", full], { cwd: mirrorDir });
  const [hash = full, author = "", time = "0", ...message] = out.split("\0");
  return { sha: hash, author, time: Number(time) * 1000, message: message.join("\0").trimEnd() };
}
