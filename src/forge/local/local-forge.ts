import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Clock } from "../../common/clock.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../common/errors.js";
import { assertBranchName } from "../../runner/index.js";
import { GitError, git } from "../../runner/index.js";
import type { EventPayloads, EventType, Subject } from "../../events/index.js";
import type { PullRequestsRepo } from "../../store/index.js";
import {
  BOT_USER,
  CI_CHECK,
  type CheckStatus,
  type CreateRepositoryOptions,
  type Forge,
  type ForgeRepo,
  type MergeRequest,
  type OpenPullRequest,
  type PrCheck,
  type PrComment,
  type PullRequest,
  type PushRequest,
} from "../forge.js";
import { evaluateMergePolicy, type MergePolicy } from "../merge-policy.js";
import { mergeCommit } from "./merge-commit.js";
import { installPreReceiveHook, mergeTokenEnv } from "./pre-receive-hook.js";
import { readProtection, writeProtection } from "./protection.js";
import { describeRepository, type LocalRepository, listRepositories, writeDescription } from "./repository-listing.js";
import { assertRepoDescription } from "../repository-description.js";

/** Where forge events go (the server's EventLog). */
export interface ForgeEvents {
  emit<T extends EventType>(type: T, subject: Subject, data: EventPayloads[T]): Promise<unknown>;
}

/** A pull request event's type; its payload names the pull request, plus what `PrEventExtras` adds. */
export type PrEventType = "pr.opened" | "pr.synchronized" | "pr.commented" | "pr.check" | "pr.merged" | "pr.closed";

/** What a pull request event adds to the fields naming the pull request. */
export type PrEventExtras = Omit<EventPayloads["pr.opened"], "repo" | "number" | "head" | "headSha" | "base">;

/** The structured subject of a pull request's events. */
export const prEventSubject = (pr: Pick<PullRequest, "repo" | "number">): Subject => ({
  kind: "pr",
  repo: pr.repo,
  number: pr.number,
});

/** What the local forge needs. */
export interface LocalForgeDeps {
  dataDir: string;
  pullRequests: PullRequestsRepo;
  events: ForgeEvents;
  clock: Clock;
  /**
   * What the repair bot's merges must satisfy (default: `pitcrew/ci` green); a protected
   * branch's required checks are always added.
   */
  botPolicy?: MergePolicy;
}

const DEFAULT_BOT_POLICY: MergePolicy = { requiredChecks: [CI_CHECK] };

const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Checks a forge repository name (one safe path component). */
export function assertRepoName(name: string): string {
  if (!REPO_NAME.test(name) || name.includes("..") || name.endsWith(".git"))
    throw new ValidationError(`invalid repository name ${JSON.stringify(name.slice(0, 100))}`);
  return name;
}

/** Subject of a pull request's events. */
export const prSubject = (pr: Pick<PullRequest, "repo" | "number">): string => `pr:${pr.repo}#${pr.number}`;

/**
 * The embedded forge: bare repositories under `<dataDir>/forge/<name>.git` (pushable with a plain
 * path or `file://` URL), protected branches enforced by a pre-receive hook, pull requests,
 * comments and checks in the store, merges computed with plumbing in the bare repository.
 */
export class LocalForge implements Forge {
  readonly #d: LocalForgeDeps;
  constructor(deps: LocalForgeDeps) {
    this.#d = deps;
  }

  /** Path of a repository's bare directory. */
  bareDir(repo: string): string {
    return join(this.#d.dataDir, "forge", `${assertRepoName(repo)}.git`);
  }

  cloneUrl(repo: string): string {
    return this.bareDir(repo);
  }

  async createRepository(name: string, opts: CreateRepositoryOptions = {}): Promise<ForgeRepo> {
    const dir = this.bareDir(name);
    const description = opts.description === undefined ? undefined : assertRepoDescription(opts.description);
    if (opts.mustBeNew && existsSync(dir)) throw new ConflictError(`forge repository ${name} already exists`);
    if (!existsSync(dir)) {
      await mkdir(dir, { recursive: true });
      await git(["init", "--quiet", "--bare", "--initial-branch=main", dir], { cwd: dir });
      await installPreReceiveHook(dir);
      if (opts.fromPath) {
        const from = opts.fromPath;
        await git(["fetch", "--quiet", "--end-of-options", from, "+refs/heads/*:refs/heads/*"], { cwd: dir });
        const head = (await git(["symbolic-ref", "--quiet", "HEAD"], { cwd: from })).trim();
        await git(["symbolic-ref", "HEAD", head], { cwd: dir });
      }
    }
    if (description !== undefined) await writeDescription(dir, description);
    return { name, cloneUrl: dir };
  }

  /** Every repository of the forge with its description and protected branches, by name. */
  listRepositories(): Promise<LocalRepository[]> {
    return listRepositories(join(this.#d.dataDir, "forge"));
  }

  /** One repository's listing entry (NotFoundError when it does not exist). */
  async describeRepository(repo: string): Promise<LocalRepository> {
    return describeRepository(repo, await this.#existing(repo));
  }

  async pushBranch(repo: string, req: PushRequest): Promise<string> {
    const dir = await this.#existing(repo);
    const branch = assertBranchName(req.branch);
    if (req.actor === BOT_USER && (await readProtection(dir))[branch])
      throw new ForbiddenError(`${BOT_USER} may not push to protected branch ${branch}; open a pull request`);
    const ref = req.ref ?? "HEAD";
    if (ref.startsWith("-") || ref.includes(":")) throw new ValidationError(`invalid ref ${JSON.stringify(ref)}`);
    try {
      await git(["push", "--quiet", "--end-of-options", dir, `+${ref}:refs/heads/${branch}`], {
        cwd: req.fromWorktree,
      });
    } catch (err) {
      if (err instanceof GitError && err.stderr.includes("pitcrew:")) throw new ForbiddenError(err.stderr.trim());
      throw err;
    }
    const sha = await this.#resolve(dir, branch);
    for (const pr of await this.#d.pullRequests.list(repo, { state: "open", headBranch: branch })) {
      if (pr.headSha === sha) continue;
      await this.#d.pullRequests.updateHead(pr.id, sha, await this.#resolve(dir, pr.baseBranch), this.#d.clock.now());
      await this.#emit("pr.synchronized", pr, { before: pr.headSha, headSha: sha });
    }
    return sha;
  }

  async openPullRequest(req: OpenPullRequest): Promise<PullRequest> {
    const dir = await this.#existing(req.repo);
    const head = assertBranchName(req.head);
    const base = assertBranchName(req.base);
    if (head === base) throw new ValidationError("head and base must be different branches");
    const title = req.title.trim();
    if (!title || title.length > 256 || /[\0\n\r]/.test(title))
      throw new ValidationError("a pull request title is one line of 1–256 characters");
    if ((req.body ?? "").length > 65_536) throw new ValidationError("a pull request body is at most 65536 characters");
    const open = await this.#d.pullRequests.list(req.repo, { state: "open", headBranch: head });
    const same = open.find((p) => p.baseBranch === base);
    if (same) throw new ConflictError(`${prSubject(same)} is already open from ${head} into ${base}`);
    const pr = await this.#d.pullRequests.create(
      {
        repo: req.repo,
        title,
        body: req.body ?? "",
        headBranch: head,
        headSha: await this.#resolve(dir, head),
        baseBranch: base,
        baseSha: await this.#resolve(dir, base),
        labels: req.labels ?? [],
        author: req.author,
      },
      this.#d.clock.now(),
    );
    await this.#emit("pr.opened", pr, { author: pr.author });
    return pr;
  }

  getPullRequest(repo: string, number: number): Promise<PullRequest> {
    return this.#d.pullRequests.get(repo, number);
  }

  listPullRequests(q: { repo: string; state?: PullRequest["state"] }): Promise<PullRequest[]> {
    return this.#d.pullRequests.list(q.repo, { state: q.state });
  }

  async diff(pr: PullRequest): Promise<string> {
    return git(["diff", `${pr.baseSha}...${pr.headSha}`, "--"], { cwd: this.bareDir(pr.repo) });
  }

  async commits(pr: PullRequest): Promise<{ sha: string; subject: string; author: string }[]> {
    const out = await git(["log", "--reverse", "--format=%H%x00%s%x00%an", `${pr.baseSha}..${pr.headSha}`, "--"], {
      cwd: this.bareDir(pr.repo),
    });
    return out
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [sha = "", subject = "", author = ""] = l.split("\0");
        return { sha, subject, author };
      });
  }

  async addComment(pr: PullRequest, c: { author: string; body: string }): Promise<PrComment> {
    if (!c.body.trim()) throw new ValidationError("a comment needs a body");
    const comment = await this.#d.pullRequests.addComment(pr.id, c.author, c.body, this.#d.clock.now());
    await this.#emit("pr.commented", pr, { commentId: comment.id, author: c.author });
    return comment;
  }

  listComments(pr: PullRequest): Promise<PrComment[]> {
    return this.#d.pullRequests.comments(pr.id);
  }

  async setCheck(
    pr: PullRequest,
    c: { name: string; status: CheckStatus; url?: string; summary?: string },
  ): Promise<void> {
    const current = await this.getPullRequest(pr.repo, pr.number);
    const check: PrCheck = {
      name: c.name,
      status: c.status,
      headSha: current.headSha,
      url: c.url ?? null,
      summary: c.summary ?? null,
      updatedAt: this.#d.clock.now(),
    };
    await this.#d.pullRequests.setCheck(pr.id, check);
    await this.#emit("pr.check", current, { name: c.name, status: c.status, headSha: current.headSha });
  }

  async listChecks(pr: PullRequest): Promise<PrCheck[]> {
    const current = await this.getPullRequest(pr.repo, pr.number);
    return (await this.#d.pullRequests.checks(pr.id)).filter((c) => c.headSha === current.headSha);
  }

  async merge(pr: PullRequest, req: MergeRequest): Promise<PullRequest> {
    const current = await this.#open(pr);
    const dir = this.bareDir(pr.repo);
    const required = (await readProtection(dir))[current.baseBranch]?.requiredChecks ?? [];
    const bot = this.#d.botPolicy ?? DEFAULT_BOT_POLICY;
    const policy: MergePolicy =
      req.by === BOT_USER
        ? { ...bot, requiredChecks: [...new Set([...required, ...bot.requiredChecks])] }
        : { requiredChecks: required };
    const verdict = evaluateMergePolicy(policy, { checks: await this.listChecks(current), ...req.evidence });
    if (!verdict.allowed)
      throw new ForbiddenError(`merge of ${prSubject(current)} refused: ${verdict.reasons.join("; ")}`);
    const base = { branch: current.baseBranch, sha: await this.#resolve(dir, current.baseBranch) };
    const head = { branch: current.headBranch, sha: current.headSha };
    const message = current.body ? `${current.title}\n\n${current.body}` : current.title;
    const commit = await mergeCommit(dir, req.method, base, head, message);
    try {
      await git(
        [
          "push",
          "--quiet",
          `--force-with-lease=refs/heads/${base.branch}:${base.sha}`,
          "--end-of-options",
          dir,
          `${commit}:refs/heads/${base.branch}`,
        ],
        { cwd: dir, env: await mergeTokenEnv(dir) },
      );
    } catch (err) {
      if (err instanceof GitError)
        throw new ConflictError(`${base.branch} moved during the merge; try again`, { git: err.stderr });
      throw err;
    }
    if (
      !(await this.#d.pullRequests.finish(current.id, "merged", this.#d.clock.now(), {
        commit,
        by: req.by,
        baseSha: base.sha,
      }))
    )
      throw new ConflictError(`${prSubject(current)} is no longer open`);
    const merged = await this.getPullRequest(pr.repo, pr.number);
    await this.#emit("pr.merged", merged, { by: req.by, method: req.method, commit });
    return merged;
  }

  async close(pr: PullRequest, by: string): Promise<PullRequest> {
    const current = await this.#open(pr);
    if (!(await this.#d.pullRequests.finish(current.id, "closed", this.#d.clock.now())))
      throw new ConflictError(`${prSubject(current)} is no longer open`);
    const closed = await this.getPullRequest(pr.repo, pr.number);
    await this.#emit("pr.closed", closed, { by });
    return closed;
  }

  async protectBranch(repo: string, branch: string, opts: { requiredChecks: string[] }): Promise<void> {
    const dir = await this.#existing(repo);
    // a repository made by hand has no hook yet: protecting it installs one
    await installPreReceiveHook(dir);
    await writeProtection(dir, assertBranchName(branch), opts.requiredChecks);
  }

  async #existing(repo: string): Promise<string> {
    const dir = this.bareDir(repo);
    if (!existsSync(dir)) throw new NotFoundError("forge repository", repo);
    return dir;
  }

  async #open(pr: PullRequest): Promise<PullRequest> {
    const current = await this.getPullRequest(pr.repo, pr.number);
    if (current.state !== "open") throw new ConflictError(`${prSubject(current)} is ${current.state}, not open`);
    return current;
  }

  async #resolve(dir: string, branch: string): Promise<string> {
    try {
      return (await git(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`], { cwd: dir })).trim();
    } catch {
      throw new NotFoundError("branch", branch);
    }
  }

  #emit(type: PrEventType, pr: PullRequest, data: PrEventExtras): Promise<unknown> {
    return this.#d.events.emit(type, prEventSubject(pr), {
      repo: pr.repo,
      title: pr.title,
      number: pr.number,
      head: pr.headBranch,
      headSha: pr.headSha,
      base: pr.baseBranch,
      ...data,
    });
  }
}
