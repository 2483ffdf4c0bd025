/**
 * The git half of the release reverter: in a scratch clone of the forge repository, on a branch
 * from the head of the base branch, `git revert --no-commit good..bad` (newest first) and one
 * commit by the repair bot — or the reason not to:
 * - the bad commit is not on the base branch (its history was rewritten);
 * - nothing lies between the good and the bad commit, or a merge commit does;
 * - a commit of the range fixed something (`isFixCommit`, the revert fixer's rule: a heal never
 *   undoes a fix) on top of a commit to revert, or a commit to revert landed after the incident's
 *   onset (it cannot have caused it);
 * - the range is already reverted on the base branch (a `This reverts commit` for each of its
 *   commits, or its files back as the good commit has them);
 * - the revert conflicts with what was pushed since (never forced: the conflict is left to a person).
 *
 * The good release can be older than the base branch's history below the bad commit: a release
 * that shipped a fix or a revert may have been taken out of traffic again since (by a post-deploy
 * watch, or a heal), so the bad release's rollout was judged against the one before it. Fixes and
 * reverts *below* every commit to revert are then kept — the bad release was built on them — and
 * so are the commits they revert (already undone on the branch); only the others are reverted. A
 * fix above a commit to revert still stops the revert (a person decides).
 * Every git call goes through the one git runner with argument arrays; commit names come from
 * the store and are checked to be hex before they reach git.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOT_USER } from "../../forge/index.js";
import { BOT_EMAIL, commitFacts, isFixCommit } from "../../repair/index.js";
import { git } from "../../runner/index.js";

/** What to revert. */
export interface RevertRangeRequest {
  /** Where to clone from (the forge's clone URL). */
  cloneUrl: string;
  baseBranch: string;
  /** The last good live release's commit and the rolled-back release's commit. */
  good: string;
  bad: string;
  /** The branch the revert is committed on. */
  branch: string;
  /** Commits newer than this (epoch ms) are not reverted: they came after the failure began. */
  onsetAt?: number;
  /** Why (the first lines of the commit message's body). */
  why: string;
}

/** A revert committed in `dir` on its branch (the caller pushes it, then removes `dir`). */
export interface PreparedRevert {
  dir: string;
  /** The reverted commits, newest first: short sha and subject. */
  commits: { sha: string; subject: string }[];
  title: string;
  message: string;
}

const HEX = /^[0-9a-f]{7,64}$/;
const TIMEOUT = { timeoutMs: 120_000 };

/** Prepares the revert commit, or says why it is skipped (see the module comment). */
export async function prepareRevert(req: RevertRangeRequest): Promise<PreparedRevert | { skip: string }> {
  if (!HEX.test(req.good) || !HEX.test(req.bad)) return { skip: "the releases' commits are not commit names" };
  const dir = await mkdtemp(join(tmpdir(), "pitcrew-revert-"));
  try {
    const out = await revertIn(dir, req);
    if ("skip" in out) await rm(dir, { recursive: true, force: true });
    return out;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function revertIn(dir: string, req: RevertRangeRequest): Promise<PreparedRevert | { skip: string }> {
  const run = (args: string[], input?: string) => git(args, { cwd: dir, ...TIMEOUT, ...(input ? { input } : {}) });
  await git(["clone", "--quiet", "--no-checkout", "--", req.cloneUrl, dir], { cwd: tmpdir(), ...TIMEOUT });
  await run(["checkout", "--quiet", "-b", req.branch, `refs/remotes/origin/${req.baseBranch}`]);
  const short = (sha: string) => sha.slice(0, 10);
  if (!(await isAncestor(dir, req.bad, "HEAD")))
    return { skip: `the rolled-back commit ${short(req.bad)} is not on ${req.baseBranch} (its history was rewritten)` };
  const range = `${req.good}..${req.bad}`;
  const shas = (await run(["rev-list", "--end-of-options", range])).split("\n").filter(Boolean);
  if (!shas.length) return { skip: `no commit lies between ${short(req.good)} and ${short(req.bad)}` };
  const facts = [];
  for (const sha of shas) {
    const c = await commitFacts(dir, sha);
    if (c.parents.length !== 1)
      return { skip: `commit ${short(c.sha)} "${c.subject}" is a merge: a range with merges is left to a person` };
    facts.push(c);
  }
  const what = (c: { sha: string; subject: string }) => `commit ${short(c.sha)} "${c.subject}"`;
  // newest first: a fix kept must lie below every commit reverted
  const undone = new Set(facts.filter(isFixCommit).flatMap((c) => revertedShas(`${c.subject}\n${c.body}`)));
  const commits: { sha: string; subject: string }[] = [];
  const kept: { sha: string; subject: string; why: string }[] = [];
  for (const c of facts) {
    if (isFixCommit(c) || undone.has(c.sha)) {
      kept.push({ sha: c.sha, subject: c.subject, why: isFixCommit(c) ? "a fix or revert" : "reverted since" });
      continue;
    }
    const above = kept.find((k) => k.why === "a fix or revert");
    if (above)
      return {
        skip: `${what(above)} fixed an incident or reverted a change on top of ${what(c)}: a heal never undoes a fix`,
      };
    if (req.onsetAt !== undefined && c.committedAt > req.onsetAt)
      return { skip: `${what(c)} landed after the incident began: it cannot have caused it` };
    commits.push({ sha: c.sha, subject: c.subject });
  }
  if (!commits.length)
    return {
      skip: `every commit between ${short(req.good)} and ${short(req.bad)} is a fix, a revert or reverted since, and a heal never undoes a fix: nothing to revert`,
    };
  if (await alreadyReverted(dir, req.good, req.bad, kept.length ? commits.map((c) => c.sha) : shas, !kept.length))
    return { skip: `${short(req.good)}..${short(req.bad)} is already reverted on ${req.baseBranch}` };
  try {
    const targets = kept.length ? commits.map((c) => c.sha) : [range];
    await run(["revert", "--no-commit", "--no-edit", "--end-of-options", ...targets]);
    if (kept.length && (await unchanged(dir)))
      return { skip: `${short(req.good)}..${short(req.bad)} is already reverted on ${req.baseBranch}` };
  } catch {
    const files = (await run(["diff", "--name-only", "--diff-filter=U"]).catch(() => "")).split("\n").filter(Boolean);
    await run(["revert", "--abort"]).catch(() => undefined);
    const where = files.length ? ` in ${files.slice(0, 5).join(", ")}` : "";
    return {
      skip: `reverting ${short(req.good)}..${short(req.bad)} conflicts with what was pushed on ${req.baseBranch} since${where}; not forced: a person resolves it`,
    };
  }
  const title =
    commits.length === 1
      ? `Revert "${commits[0]!.subject}" (rolled back)`
      : `Revert ${commits.length} commits of a rolled-back release (${short(req.bad)})`;
  const message = [
    title,
    "",
    req.why,
    "",
    ...commits.map((c) => `This reverts commit ${c.sha} ("${c.subject}").`),
    ...(kept.length
      ? [
          "",
          "Kept, though the rolled-back release holds them too (the release it was judged against is older):",
          ...kept.map((k) => `- ${short(k.sha)} "${k.subject}" (${k.why})`),
        ]
      : []),
    "",
  ].join("\n");
  await run(["-c", `user.name=${BOT_USER}`, "-c", `user.email=${BOT_EMAIL}`, "commit", "--quiet", "-F", "-"], message);
  return {
    dir,
    commits: commits.map((c) => ({ sha: short(c.sha), subject: c.subject })),
    title: title.slice(0, 256),
    message,
  };
}

/** True when `a` is `b` or an ancestor of it. */
async function isAncestor(dir: string, a: string, b: string): Promise<boolean> {
  try {
    await git(["merge-base", "--is-ancestor", "--end-of-options", a, b], { cwd: dir, ...TIMEOUT });
    return true;
  } catch {
    return false;
  }
}

/** The commits a message says it reverts (`This reverts commit <sha>`, git's and the reverter's wording). */
function revertedShas(message: string): string[] {
  return [...message.matchAll(/This reverts commit ([0-9a-f]{40})\b/g)].map((m) => m[1]!);
}

/** True when the reverts staged in `dir` change nothing (what they undo is undone already). */
async function unchanged(dir: string): Promise<boolean> {
  try {
    await git(["diff", "--cached", "--quiet"], { cwd: dir, ...TIMEOUT });
    return true;
  } catch {
    return false;
  }
}

/**
 * True when each of `shas` has a `This reverts commit <sha>` after the bad commit on the branch,
 * or (`byFiles`, for a whole range) the files the range changed are back as the good commit has them.
 */
async function alreadyReverted(
  dir: string,
  good: string,
  bad: string,
  shas: string[],
  byFiles: boolean,
): Promise<boolean> {
  const since = await git(["log", "--format=%B", "--end-of-options", `${bad}..HEAD`], { cwd: dir, ...TIMEOUT });
  if (shas.every((sha) => since.includes(`This reverts commit ${sha}`))) return true;
  if (!byFiles) return false;
  const files = (await git(["diff", "--name-only", "--end-of-options", good, bad], { cwd: dir, ...TIMEOUT }))
    .split("\n")
    .filter(Boolean);
  if (!files.length) return true;
  try {
    await git(["diff", "--quiet", "--end-of-options", good, "HEAD", "--", ...files], { cwd: dir, ...TIMEOUT });
    return true;
  } catch {
    return false;
  }
}
