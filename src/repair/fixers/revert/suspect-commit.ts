/**
 * What the revert fixer needs to know about the commit blamed for the suspect lines, read with
 * git from the base worktree (read-only): its parents, author, dates, subject and size.
 */
import { git } from "../../../runner/index.js";

/** A commit and the size of its change against its first parent. */
export interface CommitFacts {
  sha: string;
  parents: string[];
  author: string;
  /** The author's e-mail address. */
  authorEmail: string;
  /** Committer date, epoch ms (when it landed). */
  committedAt: number;
  subject: string;
  /** The message after the subject (may be empty). */
  body: string;
  /** Files the commit changed, with their git status letter (`M`, `A`, `D`, …). */
  files: { path: string; status: string }[];
  /** Lines added plus lines removed; undefined when a file is binary. */
  changedLines?: number;
}

/** The committer date of `rev` in `repoDir`, epoch ms. */
export async function commitDate(repoDir: string, rev: string): Promise<number> {
  return (
    Number(
      (await git(["log", "-1", "--format=%ct", "--end-of-options", rev], { cwd: repoDir, timeoutMs: 120_000 })).trim(),
    ) * 1000
  );
}

/** Reads the facts of `sha` (a full or abbreviated hex name). */
export async function commitFacts(repoDir: string, sha: string): Promise<CommitFacts> {
  if (!/^[0-9a-f]{7,64}$/.test(sha)) throw new Error(`not a commit name: ${sha}`);
  const head = await git(["log", "-1", "--format=%H%x00%P%x00%an%x00%ae%x00%ct%x00%s%x00%b", sha, "--"], {
    cwd: repoDir,
    timeoutMs: 120_000,
  });
  const [full, parents, author, email, ct, subject, body] = head.split("\0");
  const facts: CommitFacts = {
    sha: full!.trim(),
    parents: parents ? parents.split(" ") : [],
    author: author ?? "",
    authorEmail: email ?? "",
    committedAt: Number(ct) * 1000,
    subject: subject ?? "",
    body: (body ?? "").trim(),
    files: [],
  };
  if (facts.parents.length !== 1) return facts;
  const range = [`${facts.sha}^`, facts.sha, "--"];
  const status = await git(["diff", "--name-status", "--no-renames", "-z", ...range], {
    cwd: repoDir,
    timeoutMs: 120_000,
  });
  const fields = status.split("\0").filter(Boolean);
  for (let k = 0; k + 1 < fields.length; k += 2) facts.files.push({ status: fields[k]!, path: fields[k + 1]! });
  const numstat = await git(["diff", "--numstat", "--no-renames", ...range], { cwd: repoDir, timeoutMs: 120_000 });
  let lines = 0;
  for (const row of numstat.split("\n").filter(Boolean)) {
    const [added, removed] = row.split("\t");
    if (added === "-" || removed === "-") return facts; // binary: size unknown
    lines += Number(added) + Number(removed);
  }
  facts.changedLines = lines;
  return facts;
}

/** The diff that undoes `sha` (its first parent's side as the new side), `a/`/`b/` prefixes. */
export function reverseDiff(repoDir: string, sha: string, paths: readonly string[]): Promise<string> {
  return git(
    [
      "diff",
      "--no-color",
      "--no-ext-diff",
      "--no-renames",
      "--src-prefix=a/",
      "--dst-prefix=b/",
      "-U3",
      sha,
      `${sha}^`,
      "--",
      ...paths,
    ],
    { cwd: repoDir, timeoutMs: 120_000 },
  );
}

/** Words of a commit message that say it fixed, reverted or mitigated something, or names an incident. */
const FIX_MESSAGE =
  /\b(fix(e[sd])?|hotfix|bug ?fix|revert(s|ed)?|resolve[sd]?|repair(s|ed)?|mitigat\w*|incident)\b|pitcrew\/(fix|heal)-|Automated fix by pitcrew/i;
/** The repair bot's commit address (its fix and revert commits are written with it). */
export const BOT_EMAIL = "bot@pitcrew.invalid";

/**
 * True for a commit that fixed something: pitcrew's own fixes (the bot's commits, the squash
 * merges of its pull requests) and any commit whose message says it fixes, reverts or mitigates,
 * or references an incident. Undoing one would bring back what it fixed.
 */
export function isFixCommit(c: CommitFacts): boolean {
  return c.authorEmail === BOT_EMAIL || FIX_MESSAGE.test(`${c.subject}\n${c.body}`);
}
