import type { Kysely, Selectable, Updateable } from "kysely";
import type { Clock } from "../../common/clock.js";
import { ConflictError, NotFoundError } from "../../common/errors.js";
import type { SecretBox } from "../../common/secret-box.js";
import type { DB, ProjectsTable } from "../schema.js";
import { fromJson } from "./json.js";

/** A repository pitcrew builds. */
export interface Project {
  id: number;
  name: string;
  repoUrl: string;
  defaultBranch: string;
  pipelinePath: string;
  sandbox: boolean;
  /** Decrypted webhook secret (sealed at rest). */
  webhookSecret: string | null;
  /** Runs of same-repository pull requests receive secrets (forks never do). */
  trustPullRequests: boolean;
  /** Branch names or globs protected besides the default branch. */
  protectedBranches: string[];
  pollIntervalMs: number;
  branchHeads: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

/** Fields to register a project. */
export interface NewProject {
  name: string;
  repoUrl: string;
  defaultBranch?: string;
  pipelinePath?: string;
  /** Run the jobs in the sandbox (default true; false is an admin's explicit opt-out). */
  sandbox?: boolean;
  webhookSecret?: string | null;
  trustPullRequests?: boolean;
  protectedBranches?: string[];
  pollIntervalMs?: number;
}

/** The trust settings of a project an admin may change after creation. */
export type ProjectTrustUpdate = Partial<Pick<Project, "trustPullRequests" | "protectedBranches" | "webhookSecret">>;

function toProject(r: Selectable<ProjectsTable>, box: SecretBox): Project {
  return {
    id: r.id,
    name: r.name,
    repoUrl: r.repo_url,
    defaultBranch: r.default_branch,
    pipelinePath: r.pipeline_path,
    sandbox: r.sandbox === 1,
    webhookSecret: r.webhook_secret_enc ? box.open(r.webhook_secret_enc) : null,
    trustPullRequests: r.trust_pull_requests === 1,
    protectedBranches: fromJson(r.protected_branches, []),
    pollIntervalMs: r.poll_interval_ms,
    branchHeads: fromJson(r.branch_heads, {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Persistence of projects. */
export class ProjectsRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly box: SecretBox,
  ) {}

  /** Registers a project; a duplicate name is a ConflictError. */
  async create(p: NewProject): Promise<Project> {
    if (await this.findByName(p.name)) throw new ConflictError(`project '${p.name}' already exists`);
    const now = this.clock.now();
    const row = await this.db
      .insertInto("projects")
      .values({
        name: p.name,
        repo_url: p.repoUrl,
        default_branch: p.defaultBranch ?? "main",
        pipeline_path: p.pipelinePath ?? ".pitcrew/pipeline.yaml",
        sandbox: p.sandbox === false ? 0 : 1,
        webhook_secret: null,
        webhook_secret_enc: p.webhookSecret ? this.box.seal(p.webhookSecret) : null,
        trust_pull_requests: p.trustPullRequests ? 1 : 0,
        protected_branches: JSON.stringify(p.protectedBranches ?? []),
        poll_interval_ms: p.pollIntervalMs ?? 0,
        branch_heads: "{}",
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toProject(row, this.box);
  }

  /** The project with `id`, or NotFoundError. */
  async get(id: number): Promise<Project> {
    const row = await this.db.selectFrom("projects").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError("project", id);
    return toProject(row, this.box);
  }

  /** The project named `name`, if any. */
  async findByName(name: string): Promise<Project | undefined> {
    const row = await this.db.selectFrom("projects").selectAll().where("name", "=", name).executeTakeFirst();
    return row ? toProject(row, this.box) : undefined;
  }

  /** Looks a project up by numeric id or by name. */
  async resolve(ref: string | number): Promise<Project> {
    if (typeof ref === "number" || /^\d+$/.test(ref)) return this.get(Number(ref));
    const p = await this.findByName(ref);
    if (!p) throw new NotFoundError("project", ref);
    return p;
  }

  /** All projects by name. */
  async list(): Promise<Project[]> {
    const rows = await this.db.selectFrom("projects").selectAll().orderBy("name").execute();
    return rows.map((r) => toProject(r, this.box));
  }

  /** Changes a project's trust settings (an absent field is left as it is); returns the project. */
  async updateTrust(id: number, u: ProjectTrustUpdate): Promise<Project> {
    const set: Updateable<ProjectsTable> = {};
    if (u.trustPullRequests !== undefined) set.trust_pull_requests = u.trustPullRequests ? 1 : 0;
    if (u.protectedBranches !== undefined) set.protected_branches = JSON.stringify(u.protectedBranches);
    if (u.webhookSecret !== undefined) set.webhook_secret_enc = u.webhookSecret ? this.box.seal(u.webhookSecret) : null;
    await this.db
      .updateTable("projects")
      .set({ ...set, updated_at: this.clock.now() })
      .where("id", "=", id)
      .execute();
    return this.get(id);
  }

  /**
   * Seals webhook secrets still stored in plain text (written before migration 0009) and empties
   * the plain column; returns how many were sealed. Idempotent, run at every start.
   */
  async sealPlainWebhookSecrets(): Promise<number> {
    const rows = await this.db
      .selectFrom("projects")
      .select(["id", "webhook_secret"])
      .where("webhook_secret", "is not", null)
      .execute();
    for (const r of rows) {
      await this.db
        .updateTable("projects")
        .set({ webhook_secret_enc: this.box.seal(r.webhook_secret as string), webhook_secret: null })
        .where("id", "=", r.id)
        .execute();
    }
    return rows.length;
  }

  /** Records the branch heads last seen by polling. */
  async setBranchHeads(id: number, heads: Record<string, string>): Promise<void> {
    await this.db
      .updateTable("projects")
      .set({ branch_heads: JSON.stringify(heads), updated_at: this.clock.now() })
      .where("id", "=", id)
      .execute();
  }
}
