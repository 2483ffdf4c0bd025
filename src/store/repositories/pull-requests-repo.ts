import type { Kysely, Selectable } from "kysely";
import { NotFoundError } from "../../common/errors.js";
import type { DB, PullRequestsTable } from "../schema.js";
import type { CheckStatus, PullRequestState } from "../statuses.js";
import { fromJson } from "./json.js";

/** A pull request as stored. */
export interface PullRequest {
  id: number;
  repo: string;
  number: number;
  title: string;
  body: string;
  headBranch: string;
  headSha: string;
  baseBranch: string;
  baseSha: string;
  state: PullRequestState;
  labels: string[];
  author: string;
  mergeCommit: string | null;
  mergedBy: string | null;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  /** The head lives in another repository (a fork): its runs get no secrets and a read-only cache. */
  fork?: boolean;
}

/** A comment on a pull request. */
export interface PrComment {
  id: number;
  author: string;
  body: string;
  createdAt: number;
}

/** The latest result of one named check on a pull request. */
export interface PrCheck {
  name: string;
  status: CheckStatus;
  headSha: string;
  url: string | null;
  summary: string | null;
  updatedAt: number;
}

/** What opening a pull request stores (the number is assigned). */
export type NewPullRequest = Pick<
  PullRequest,
  "repo" | "title" | "body" | "headBranch" | "headSha" | "baseBranch" | "baseSha" | "labels" | "author"
>;

const toPr = (r: Selectable<PullRequestsTable>): PullRequest => ({
  id: Number(r.id),
  repo: r.repo,
  number: Number(r.number),
  title: r.title,
  body: r.body,
  headBranch: r.head_branch,
  headSha: r.head_sha,
  baseBranch: r.base_branch,
  baseSha: r.base_sha,
  state: r.state,
  labels: fromJson<string[]>(r.labels, []),
  author: r.author,
  mergeCommit: r.merge_commit,
  mergedBy: r.merged_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  closedAt: r.closed_at == null ? null : Number(r.closed_at),
});

/** Persistence of pull requests with their comments and checks (numbers are per repository). */
export class PullRequestsRepo {
  readonly #db: Kysely<DB>;
  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /**
   * Stores a new open pull request with the next number of its repository. Two concurrent opens
   * may pick the same number; the unique (repo, number) constraint rejects one, which retries.
   */
  async create(pr: NewPullRequest, at: number): Promise<PullRequest> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#insertNext(pr, at);
      } catch (err) {
        if (attempt >= 5 || !/unique|duplicate/i.test(String(err))) throw err;
      }
    }
  }

  async #insertNext(pr: NewPullRequest, at: number): Promise<PullRequest> {
    const max = await this.#db
      .selectFrom("pull_requests")
      .select((eb) => eb.fn.max("number").as("n"))
      .where("repo", "=", pr.repo)
      .executeTakeFirst();
    const row = await this.#db
      .insertInto("pull_requests")
      .values({
        repo: pr.repo,
        number: Number(max?.n ?? 0) + 1,
        title: pr.title,
        body: pr.body,
        head_branch: pr.headBranch,
        head_sha: pr.headSha,
        base_branch: pr.baseBranch,
        base_sha: pr.baseSha,
        state: "open",
        labels: JSON.stringify(pr.labels),
        author: pr.author,
        merge_commit: null,
        merged_by: null,
        created_at: at,
        updated_at: at,
        closed_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toPr(row);
  }

  /** The pull request `number` of `repo`; throws NotFoundError. */
  async get(repo: string, number: number): Promise<PullRequest> {
    const r = await this.#db
      .selectFrom("pull_requests")
      .selectAll()
      .where("repo", "=", repo)
      .where("number", "=", number)
      .executeTakeFirst();
    if (!r) throw new NotFoundError("pull request", `${repo}#${number}`);
    return toPr(r);
  }

  /** Pull requests of a repository (optionally one state, or one head branch), newest first. */
  async list(repo: string, filter: { state?: PullRequestState; headBranch?: string } = {}): Promise<PullRequest[]> {
    let q = this.#db.selectFrom("pull_requests").selectAll().where("repo", "=", repo);
    if (filter.state) q = q.where("state", "=", filter.state);
    if (filter.headBranch) q = q.where("head_branch", "=", filter.headBranch);
    return (await q.orderBy("number", "desc").execute()).map(toPr);
  }

  /** Moves an open pull request's head (and the base it is compared with). */
  async updateHead(id: number, headSha: string, baseSha: string, at: number): Promise<void> {
    await this.#db
      .updateTable("pull_requests")
      .set({ head_sha: headSha, base_sha: baseSha, updated_at: at })
      .where("id", "=", id)
      .execute();
  }

  /**
   * Finishes an open pull request as merged or closed; false when it was no longer open
   * (compare-and-set on the state, so two concurrent merges cannot both win).
   */
  async finish(
    id: number,
    state: "merged" | "closed",
    at: number,
    merge?: { commit: string; by: string; baseSha: string },
  ): Promise<boolean> {
    const res = await this.#db
      .updateTable("pull_requests")
      .set({
        state,
        updated_at: at,
        closed_at: at,
        merge_commit: merge?.commit ?? null,
        merged_by: merge?.by ?? null,
        ...(merge ? { base_sha: merge.baseSha } : {}),
      })
      .where("id", "=", id)
      .where("state", "=", "open")
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Appends a comment. */
  async addComment(prId: number, author: string, body: string, at: number): Promise<PrComment> {
    const r = await this.#db
      .insertInto("pr_comments")
      .values({ pr_id: prId, author, body, created_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { id: Number(r.id), author: r.author, body: r.body, createdAt: Number(r.created_at) };
  }

  /** Comments of a pull request, oldest first. */
  async comments(prId: number): Promise<PrComment[]> {
    const rows = await this.#db.selectFrom("pr_comments").selectAll().where("pr_id", "=", prId).orderBy("id").execute();
    return rows.map((r) => ({ id: Number(r.id), author: r.author, body: r.body, createdAt: Number(r.created_at) }));
  }

  /** Records the latest result of a named check (replacing the previous one). */
  async setCheck(prId: number, check: PrCheck): Promise<void> {
    const values = {
      status: check.status,
      head_sha: check.headSha,
      url: check.url,
      summary: check.summary,
      updated_at: check.updatedAt,
    };
    await this.#db
      .insertInto("pr_checks")
      .values({ pr_id: prId, name: check.name, ...values })
      .onConflict((oc) => oc.columns(["pr_id", "name"]).doUpdateSet(values))
      .execute();
  }

  /** Checks of a pull request, by name. */
  async checks(prId: number): Promise<PrCheck[]> {
    const rows = await this.#db.selectFrom("pr_checks").selectAll().where("pr_id", "=", prId).orderBy("name").execute();
    return rows.map((r) => ({
      name: r.name,
      status: r.status,
      headSha: r.head_sha,
      url: r.url,
      summary: r.summary,
      updatedAt: Number(r.updated_at),
    }));
  }
}
