import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../common/errors.js";
import { assertBranchName } from "../../runner/index.js";
import { GitError, git } from "../../runner/index.js";
import {
  BOT_USER,
  CI_CHECK,
  type CheckStatus,
  type Forge,
  type CreateRepositoryOptions,
  type ForgeRepo,
  type MergeRequest,
  type OpenPullRequest,
  type PrCheck,
  type PrComment,
  type PullRequest,
  type PushRequest,
} from "../forge.js";
import {
  assertRepoName,
  type ForgeEvents,
  type PrEventExtras,
  type PrEventType,
  prEventSubject,
  prSubject,
} from "../local/local-forge.js";
import { evaluateMergePolicy, type MergePolicy } from "../merge-policy.js";
import { assertRepoDescription } from "../repository-description.js";
import type { ReplayGuard } from "../webhook-replay.js";
import type { CommitCheck, CommitChecks } from "../commit-check.js";
import { pushWithToken } from "./git-auth.js";
import { statusState, writeCheckRun } from "./github-check-runs.js";
import { postCommitStatus, readCommitChecks } from "./github-commit-statuses.js";
import { GitHubClient } from "./github-client.js";
import { encBranch, fastForwardBase, squashMerge } from "./github-merge.js";
import {
  type GhBranch,
  type GhComment,
  type GhCommit,
  type GhPullRequest,
  toComment,
  toPullRequest,
} from "./github-types.js";
import { type GitHubWebhookResult, receiveGitHubWebhook } from "./github-webhook.js";
import { type GitHubAppCredentials, installationAuth, type TokenSource } from "./app-token.js";

/** How to reach a GitHub (or GitHub Enterprise) account and what to do there. */
export interface GitHubForgeOptions {
  /** REST base (default `https://api.github.com`; GHES: `https://host/api/v3`). */
  apiUrl?: string;
  /** Git base for clone/push URLs (default: `https://github.com`, or the GHES host). */
  gitUrl?: string;
  /** User or organisation that owns the repositories. */
  owner: string;
  /** Token (PAT) with `repo` scope; only ever sent in headers. Either this or `app`. */
  token?: string;
  /** GitHub App installation credentials: pitcrew fetches and renews installation tokens itself. */
  app?: GitHubAppCredentials;
  /** Secret of the repository webhooks (`X-Hub-Signature-256`). */
  webhookSecret?: string;
  /** Accepts each webhook delivery once (absent: no replay protection, e.g. in unit tests). */
  replay?: ReplayGuard;
  /** Whether repositories pitcrew creates are private (default true; cloning them then needs credentials). */
  privateRepos?: boolean;
  /** pitcrew's public URL: relative check links (`/runs/7`) are made absolute with it. */
  publicUrl?: string;
  events: ForgeEvents;
  /** What the repair bot's merges must satisfy (default `pitcrew/ci` green), as in the local forge. */
  botPolicy?: MergePolicy;
  /** First backoff before retrying a 5xx / rate limit / network failure; doubles each retry (default 1000 ms). */
  retryDelayMs?: number;
  /** Poll interval while GitHub catches up after a push or fast-forward (default 500 ms, 20 polls). */
  pollMs?: number;
}

/** The git base that belongs to a REST base. */
export function defaultGitUrl(apiUrl: string): string {
  const u = new URL(apiUrl);
  if (u.hostname === "api.github.com") return "https://github.com";
  return `${u.origin}${u.pathname.replace(/\/api\/v3\/?$/, "")}`.replace(/\/+$/, "");
}

const enc = encodeURIComponent;
const TITLE_RULE = "a pull request title is one line of 1–256 characters";

/**
 * The forge port on GitHub. Pull requests, comments, labels, commit statuses, check runs and
 * merges are GitHub's (REST through Octokit, github-client.ts); branches are pushed with git over
 * HTTPS, the token in an extra header.
 * Events are emitted for pitcrew's own actions, like the local forge; changes made by others
 * arrive through `receiveWebhook`. GitHub enforces branch protection; pitcrew adds the bot's
 * merge policy on top. Everything is attributed to the token's account (see docs/forge.md).
 */
export class GitHubForge implements Forge, CommitChecks {
  readonly #o: GitHubForgeOptions;
  readonly #api: GitHubClient;
  readonly #gitUrl: string;
  readonly #token: TokenSource;
  readonly #askLogin: () => Promise<string>;
  #login?: Promise<string>;

  constructor(opts: GitHubForgeOptions) {
    if (!opts.token && !opts.app) throw new ValidationError("the GitHub forge needs a token or GitHub App credentials");
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(opts.owner))
      throw new ValidationError(`invalid GitHub owner ${JSON.stringify(opts.owner)}`);
    const apiUrl = opts.apiUrl ?? "https://api.github.com";
    this.#o = opts;
    const fixed = opts.token;
    const app = fixed ? undefined : installationAuth(apiUrl, opts.app!);
    this.#token = app ? app.token : async () => fixed!;
    this.#api = new GitHubClient({ apiUrl, token: this.#token, retryDelayMs: opts.retryDelayMs });
    // GitHub refuses GET /user to installation tokens: an app installation acts as `<slug>[bot]`.
    this.#askLogin = app
      ? app.login
      : () => this.#api.request<{ login: string }>("GET", "/user").then((r) => r.data.login);
    this.#gitUrl = (opts.gitUrl ?? defaultGitUrl(apiUrl)).replace(/\/+$/, "");
  }

  /** The login of the account pitcrew acts as: the token's user, or the app's bot (cached). */
  login(): Promise<string> {
    this.#login ??= this.#askLogin();
    this.#login.catch(() => {
      this.#login = undefined;
    });
    return this.#login;
  }

  cloneUrl(repo: string): string {
    return `${this.#gitUrl}/${this.#o.owner}/${assertRepoName(repo)}.git`;
  }

  async createRepository(name: string, opts: CreateRepositoryOptions = {}): Promise<ForgeRepo> {
    const path = this.#repo(name);
    const description = opts.description === undefined ? undefined : assertRepoDescription(opts.description);
    const exists = await this.#api.request("GET", path).then(
      () => true,
      (err: unknown) => {
        if (err instanceof NotFoundError) return false;
        throw err;
      },
    );
    if (exists && opts.mustBeNew) throw new ConflictError(`repository ${this.#o.owner}/${name} already exists`);
    if (!exists) {
      const mine = (await this.login()).toLowerCase() === this.#o.owner.toLowerCase();
      await this.#api.request("POST", mine ? "/user/repos" : `/orgs/${enc(this.#o.owner)}/repos`, {
        body: { name, description, private: this.#o.privateRepos ?? true, auto_init: false },
      });
      if (opts.fromPath) {
        const from = opts.fromPath;
        await this.#push(from, name, ["+refs/heads/*:refs/heads/*"]);
        const head = (await git(["symbolic-ref", "--quiet", "--short", "HEAD"], { cwd: from })).trim();
        await this.#api.request("PATCH", path, { body: { default_branch: head } });
      }
    }
    return { name, cloneUrl: this.cloneUrl(name) };
  }

  async pushBranch(repo: string, req: PushRequest): Promise<string> {
    const branch = assertBranchName(req.branch);
    const ref = req.ref ?? "HEAD";
    if (ref.startsWith("-") || ref.includes(":")) throw new ValidationError(`invalid ref ${JSON.stringify(ref)}`);
    if (req.actor === BOT_USER && (await this.#branch(repo, branch))?.protected)
      throw new ForbiddenError(`${BOT_USER} may not push to protected branch ${branch}; open a pull request`);
    const sha = (
      await git(["rev-parse", "--verify", "--end-of-options", `${ref}^{commit}`], { cwd: req.fromWorktree })
    ).trim();
    const open = await this.#pulls(repo, { state: "open", head: `${this.#o.owner}:${branch}` });
    await this.#push(req.fromWorktree, repo, [`+${sha}:refs/heads/${branch}`]);
    for (const pr of open) {
      if (pr.headSha === sha) continue;
      const now = await this.#poll(repo, pr.number, (p) => p.headSha === sha);
      await this.#emit("pr.synchronized", now, { before: pr.headSha, headSha: sha });
    }
    return sha;
  }

  async openPullRequest(req: OpenPullRequest): Promise<PullRequest> {
    const head = assertBranchName(req.head);
    const base = assertBranchName(req.base);
    if (head === base) throw new ValidationError("head and base must be different branches");
    const title = req.title.trim();
    if (!title || title.length > 256 || /[\0\n\r]/.test(title)) throw new ValidationError(TITLE_RULE);
    if ((req.body ?? "").length > 65_536) throw new ValidationError("a pull request body is at most 65536 characters");
    let created: GhPullRequest;
    try {
      created = (
        await this.#api.request<GhPullRequest>("POST", `${this.#repo(req.repo)}/pulls`, {
          body: { title, head, base, body: req.body ?? "" },
        })
      ).data;
    } catch (err) {
      if (err instanceof ValidationError && /already exists/i.test(err.message)) throw new ConflictError(err.message);
      throw err;
    }
    if (req.labels?.length) {
      const labels = await this.#api.request<{ name: string }[]>(
        "POST",
        `${this.#repo(req.repo)}/issues/${created.number}/labels`,
        { body: { labels: req.labels } },
      );
      created = { ...created, labels: labels.data };
    }
    const pr = toPullRequest(req.repo, created);
    await this.#emit("pr.opened", pr, { author: pr.author });
    return pr;
  }

  async getPullRequest(repo: string, number: number): Promise<PullRequest> {
    if (!Number.isInteger(number) || number < 1) throw new ValidationError(`invalid pull request number ${number}`);
    try {
      return toPullRequest(repo, (await this.#api.request<GhPullRequest>("GET", this.#pull(repo, number))).data);
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError("pull request", `${repo}#${number}`);
      throw err;
    }
  }

  async listPullRequests(q: { repo: string; state?: PullRequest["state"] }): Promise<PullRequest[]> {
    const all = await this.#pulls(q.repo, { state: q.state === "open" ? "open" : q.state ? "closed" : "all" });
    return q.state ? all.filter((p) => p.state === q.state) : all;
  }

  async diff(pr: PullRequest): Promise<string> {
    return (
      await this.#api.request<string>("GET", this.#pull(pr.repo, pr.number), { accept: "application/vnd.github.diff" })
    ).data;
  }

  async commits(pr: PullRequest): Promise<{ sha: string; subject: string; author: string }[]> {
    const list = await this.#api.paginate<GhCommit>(`${this.#pull(pr.repo, pr.number)}/commits`);
    return list.map((c) => ({
      sha: c.sha,
      subject: c.commit.message.split("\n")[0] ?? "",
      author: c.commit.author?.name ?? "",
    }));
  }

  async addComment(pr: PullRequest, c: { author: string; body: string }): Promise<PrComment> {
    if (!c.body.trim()) throw new ValidationError("a comment needs a body");
    const res = await this.#api.request<GhComment>("POST", `${this.#repo(pr.repo)}/issues/${pr.number}/comments`, {
      body: { body: c.body },
    });
    const comment = toComment(res.data);
    await this.#emit("pr.commented", pr, { commentId: comment.id, author: comment.author });
    return comment;
  }

  async listComments(pr: PullRequest): Promise<PrComment[]> {
    return (await this.#api.paginate<GhComment>(`${this.#repo(pr.repo)}/issues/${pr.number}/comments`)).map(toComment);
  }

  async setCheck(
    pr: PullRequest,
    c: { name: string; status: CheckStatus; url?: string; summary?: string },
  ): Promise<void> {
    const current = await this.getPullRequest(pr.repo, pr.number);
    const status = { state: c.status, context: c.name, url: this.#absolute(c.url), description: c.summary };
    await postCommitStatus(this.#api, this.#repo(pr.repo), current.headSha, status);
    await this.#emit("pr.check", current, { name: c.name, status: c.status, headSha: current.headSha });
  }

  async listChecks(pr: PullRequest): Promise<PrCheck[]> {
    const current = await this.getPullRequest(pr.repo, pr.number);
    return readCommitChecks(this.#api, this.#repo(pr.repo), current.headSha);
  }

  async merge(pr: PullRequest, req: MergeRequest): Promise<PullRequest> {
    const current = await this.#open(pr);
    if (req.by === BOT_USER) {
      const bot = this.#o.botPolicy ?? { requiredChecks: [CI_CHECK] };
      const branch = await this.#branch(current.repo, current.baseBranch);
      const required = branch?.protection?.required_status_checks?.contexts ?? [];
      const policy = { ...bot, requiredChecks: [...new Set([...required, ...bot.requiredChecks])] };
      const verdict = evaluateMergePolicy(policy, { checks: await this.listChecks(current), ...req.evidence });
      if (!verdict.allowed)
        throw new ForbiddenError(`merge of ${prSubject(current)} refused: ${verdict.reasons.join("; ")}`);
    }
    const repoPath = this.#repo(current.repo);
    let merged: PullRequest;
    if (req.method === "fast-forward") {
      await fastForwardBase(this.#api, repoPath, current);
      merged = await this.#poll(current.repo, current.number, (p) => p.state === "merged");
    } else {
      await squashMerge(this.#api, repoPath, current);
      merged = await this.getPullRequest(current.repo, current.number);
    }
    const commit = merged.mergeCommit ?? (req.method === "fast-forward" ? current.headSha : null);
    await this.#emit("pr.merged", merged, { by: req.by, method: req.method, commit });
    return merged;
  }

  async close(pr: PullRequest, by: string): Promise<PullRequest> {
    const current = await this.#open(pr);
    const res = await this.#api.request<GhPullRequest>("PATCH", this.#pull(pr.repo, pr.number), {
      body: { state: "closed" },
    });
    const closed = toPullRequest(current.repo, res.data);
    await this.#emit("pr.closed", closed, { by });
    return closed;
  }

  async protectBranch(repo: string, branch: string, opts: { requiredChecks: string[] }): Promise<void> {
    await this.#api.request("PUT", `${this.#repo(repo)}/branches/${encBranch(assertBranchName(branch))}/protection`, {
      body: {
        required_status_checks: { strict: false, contexts: opts.requiredChecks },
        enforce_admins: true,
        required_pull_request_reviews: null,
        restrictions: null,
      },
    });
  }

  /** This forge shows checks on commits: statuses, and check runs when it is a GitHub App. */
  get commitChecks(): CommitChecks {
    return this;
  }

  /**
   * Writes the run's commit status (when `withStatus`) and, authenticated as a GitHub App, its
   * check run with summary and annotations (GitHub lets only Apps write check runs; with a
   * token there is only the status). See github-check-runs.ts.
   */
  async reportCommitCheck(repo: string, check: CommitCheck): Promise<void> {
    if (!/^[0-9a-f]{40}$/.test(check.sha)) throw new ValidationError(`invalid commit ${JSON.stringify(check.sha)}`);
    const url = this.#absolute(check.url);
    const status = { state: statusState(check), context: check.name, url, description: check.title };
    if (check.withStatus) await postCommitStatus(this.#api, this.#repo(repo), check.sha, status);
    if (this.#o.app) await writeCheckRun(this.#api, this.#repo(repo), check, url);
  }

  /** Verifies and maps a webhook delivery; emits the PR event unless pitcrew itself caused it. */
  receiveWebhook(
    raw: Buffer,
    headers: { event?: string; signature?: string; delivery?: string },
  ): Promise<GitHubWebhookResult> {
    return receiveGitHubWebhook(
      {
        secret: this.#o.webhookSecret,
        owner: this.#o.owner,
        login: () => this.login(),
        events: this.#o.events,
        replay: this.#o.replay,
      },
      raw,
      headers,
    );
  }

  async #open(pr: PullRequest): Promise<PullRequest> {
    const current = await this.getPullRequest(pr.repo, pr.number);
    if (current.state !== "open") throw new ConflictError(`${prSubject(current)} is ${current.state}, not open`);
    return current;
  }

  /** GitHub updates a PR shortly after a push: polls until `done` (or returns the last answer). */
  async #poll(repo: string, number: number, done: (p: PullRequest) => boolean): Promise<PullRequest> {
    let pr = await this.getPullRequest(repo, number);
    for (let i = 0; i < 20 && !done(pr); i++) {
      await new Promise((r) => setTimeout(r, this.#o.pollMs ?? 500));
      pr = await this.getPullRequest(repo, number);
    }
    return pr;
  }

  async #branch(repo: string, branch: string): Promise<GhBranch | undefined> {
    try {
      return (await this.#api.request<GhBranch>("GET", `${this.#repo(repo)}/branches/${encBranch(branch)}`)).data;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  async #pulls(repo: string, query: { state: string; head?: string }): Promise<PullRequest[]> {
    return (await this.#api.paginate<GhPullRequest>(`${this.#repo(repo)}/pulls`, query)).map((p) =>
      toPullRequest(repo, p),
    );
  }

  async #push(cwd: string, repo: string, refspecs: string[]): Promise<void> {
    try {
      await pushWithToken(cwd, this.cloneUrl(repo), refspecs, { gitUrl: this.#gitUrl, token: await this.#token() });
    } catch (err) {
      if (err instanceof GitError && /GH006|protected branch/i.test(err.stderr))
        throw new ForbiddenError(`GitHub refused the push: ${err.stderr.trim()}`);
      throw err;
    }
  }

  /** A relative link (`/runs/7`) made absolute with the public URL. */
  #absolute(url: string | undefined): string | undefined {
    return url?.startsWith("/") && this.#o.publicUrl ? `${this.#o.publicUrl.replace(/\/+$/, "")}${url}` : url;
  }

  #repo(repo: string): string {
    return `/repos/${enc(this.#o.owner)}/${enc(assertRepoName(repo))}`;
  }

  #pull(repo: string, number: number): string {
    return `${this.#repo(repo)}/pulls/${number}`;
  }

  #emit(type: PrEventType, pr: PullRequest, data: PrEventExtras): Promise<unknown> {
    return this.#o.events.emit(type, prEventSubject(pr), {
      repo: pr.repo,
      number: pr.number,
      head: pr.headBranch,
      headSha: pr.headSha,
      base: pr.baseBranch,
      ...data,
    });
  }
}
