/**
 * Turns a proven candidate into a pull request: a scratch clone of the forge repository at the
 * base commit, one commit on `pitcrew/fix-<slug>` with the patch and its reproduction test (by
 * the repair bot), a push of that branch only, and a PR whose body carries the explanation and
 * the proof. The repair bot never pushes anything else (DESIGN §7).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BOT_USER, type Forge } from "../forge/index.js";
import { type Candidate, candidateFiles, type RepairResult } from "./repair-chain.js";
import { git } from "../runner/index.js";
import { slugOf } from "./reproduce/reproduction.js";
import { BOT_EMAIL } from "./fixers/revert/suspect-commit.js";

/** The branch a candidate is pushed to. */
export function fixBranchName(c: Candidate): string {
  return `pitcrew/fix-${slugOf(c.patch.title, 60)}`;
}

/** The pull request body: what failed, the change and its reasons, the proof, the other candidates. */
export function fixPullRequestBody(result: RepairResult, c: Candidate & { proof: { reason: string } }): string {
  const top = result.analysis?.suspects[0];
  const lines = [`Automated fix by pitcrew (${c.patch.fixer}).`, "", c.patch.explanation, ""];
  if (result.analysis) {
    const e = result.analysis.trace.exception;
    lines.push(`**Failure**: \`${e.type}: ${e.message}\``);
  }
  if (top)
    lines.push(
      `**Suspect**: \`${top.file}:${top.line ?? "?"}\`${top.function ? ` in \`${top.function}\`` : ""}${top.commit ? `, last changed in ${top.commit.sha.slice(0, 10)} by ${top.commit.author} (${top.commit.summary})` : ""}`,
    );
  lines.push(`**Proof**: ${c.proof.reason}.`);
  if (c.reproduction)
    lines.push(`**Reproduction test**: \`${candidateFiles(c).at(-1)!.path}\` (${c.reproduction.framework})`);
  const others = result.candidates.filter((o) => o !== c && o.patch !== c.patch);
  if (others.length) {
    lines.push("", "Other candidates:");
    for (const o of others) lines.push(`- ${o.patch.title}: ${o.proof?.reason ?? o.error ?? "not tried"}`);
  }
  return `${lines.join("\n")}\n`;
}

/** A pull request as the forge returns it. */
export type FixPullRequest = Awaited<ReturnType<Forge["openPullRequest"]>>;

/** What to open a pull request from. */
export interface OpenFixRequest {
  forge: Forge;
  /** The forge repository and the branch the fix targets. */
  repo: string;
  baseBranch: string;
  result: RepairResult;
  candidate: Candidate & { proof: { reason: string } };
  /** Branch to push (default `fixBranchName(candidate)`). */
  branch?: string;
}

/** Commits the candidate on its branch in a scratch clone, pushes it as the bot and opens the PR. */
export async function openFixPullRequest(req: OpenFixRequest): Promise<FixPullRequest> {
  const { forge, repo, candidate } = req;
  const branch = req.branch ?? fixBranchName(candidate);
  const dir = await mkdtemp(join(tmpdir(), "pitcrew-fix-"));
  try {
    await git(["clone", "--quiet", "--no-checkout", "--", forge.cloneUrl(repo), dir], {
      cwd: tmpdir(),
      timeoutMs: 120_000,
    });
    await git(["checkout", "--quiet", "-b", branch, req.result.base], { cwd: dir, timeoutMs: 120_000 });
    const files = candidateFiles(candidate);
    for (const f of files) {
      await mkdir(dirname(join(dir, f.path)), { recursive: true });
      await writeFile(join(dir, f.path), f.text);
    }
    await git(["add", "--", ...files.map((f) => f.path)], { cwd: dir, timeoutMs: 120_000 });
    const message = `${candidate.patch.title}\n\n${candidate.patch.explanation}\n`;
    await git(["-c", `user.name=${BOT_USER}`, "-c", `user.email=${BOT_EMAIL}`, "commit", "--quiet", "-F", "-"], {
      cwd: dir,
      timeoutMs: 120_000,
      input: message,
    });
    await forge.pushBranch(repo, { branch, fromWorktree: dir, actor: BOT_USER });
    return await forge.openPullRequest({
      repo,
      head: branch,
      base: req.baseBranch,
      title: candidate.patch.title,
      body: fixPullRequestBody(req.result, candidate),
      labels: ["pitcrew", "repair", candidate.patch.kind],
      author: BOT_USER,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
