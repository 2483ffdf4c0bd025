import type { Kysely, Selectable } from "kysely";
import type { Clock } from "../../common/clock.js";
import { ConflictError, NotFoundError } from "../../common/errors.js";
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
  webhookSecret: string | null;
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
  pollIntervalMs?: number;
}

function toProject(r: Selectable<ProjectsTable>): Project {
  return {
    id: r.id,
    name: r.name,
    repoUrl: r.repo_url,
    defaultBranch: r.default_branch,
    pipelinePath: r.pipeline_path,
    sandbox: r.sandbox === 1,
    webhookSecret: r.webhook_secret,
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
        webhook_secret: p.webhookSecret ?? null,
        poll_interval_ms: p.pollIntervalMs ?? 0,
        branch_heads: "{}",
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toProject(row);
  }

  /** The project with `id`, or NotFoundError. */
  async get(id: number): Promise<Project> {
    const row = await this.db.selectFrom("projects").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError("project", id);
    return toProject(row);
  }

  /** The project named `name`, if any. */
  async findByName(name: string): Promise<Project | undefined> {
    const row = await this.db.selectFrom("projects").selectAll().where("name", "=", name).executeTakeFirst();
    return row ? toProject(row) : undefined;
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
    return rows.map(toProject);
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
