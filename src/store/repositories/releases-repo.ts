import type { Kysely, Selectable } from "kysely";
import { NotFoundError } from "../../common/errors.js";
import type { DB, ReleasesTable } from "../schema.js";
import type { ReleaseStatusName } from "../statuses.js";
import { fromJson } from "./json.js";

/** What a release runs (the deploy target's spec without its id). */
export interface ReleaseRunSpec {
  command: string[];
  env: Record<string, string>;
  cwd: string;
  replicas: number;
  health: { readinessPath: string; livenessPath: string };
  /** Prometheus text path on each replica (deploy.yaml `metrics:`), scraped per replica. */
  metricsPath?: string;
  /** The build phase run in `cwd` before the first start (deploy.yaml `build:`); `workspace` is the release directory. */
  build?: { run: string[][]; timeoutMs: number; workspace: string };
}

/** A release as stored. */
export interface Release {
  id: number;
  project: string;
  environment: string;
  runId: number | null;
  commit: string;
  status: ReleaseStatusName;
  spec: ReleaseRunSpec;
  pids: number[];
  triggeredBy: string;
  reason: string;
  createdAt: number;
  liveAt: number | null;
  endedAt: number | null;
}

/** Persistence of releases: one row per (project, environment, deploy). */
export class ReleasesRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Records a new `pending` release. Its run spec depends on the id the store gives it (the
   * release directory, `PITCREW_RELEASE_ID`), so `specOf(id)` builds it inside the same
   * transaction: no reader ever sees the release without its spec, and a `specOf` that throws
   * records nothing.
   */
  async create(r: {
    project: string;
    environment: string;
    runId: number | null;
    commit: string;
    specOf: (id: number) => ReleaseRunSpec;
    triggeredBy: string;
    reason: string;
    at: number;
  }): Promise<Release> {
    const id = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("releases")
        .values({
          project: r.project,
          environment: r.environment,
          run_id: r.runId,
          commit_sha: r.commit,
          status: "pending",
          spec: "null",
          pids: "[]",
          triggered_by: r.triggeredBy,
          reason: r.reason,
          created_at: r.at,
          live_at: null,
          ended_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const id = Number(row.id);
      await trx
        .updateTable("releases")
        .set({ spec: JSON.stringify(r.specOf(id)) })
        .where("id", "=", id)
        .execute();
      return id;
    });
    return this.get(id);
  }

  /** A release by id. */
  async get(id: number): Promise<Release> {
    const row = await this.db.selectFrom("releases").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError("release", id);
    return toRelease(row);
  }

  /** The live release of a project in an environment, if any. */
  async live(project: string, environment: string): Promise<Release | undefined> {
    const row = await this.db
      .selectFrom("releases")
      .selectAll()
      .where("project", "=", project)
      .where("environment", "=", environment)
      .where("status", "=", "live")
      .orderBy("id", "desc")
      .executeTakeFirst();
    return row ? toRelease(row) : undefined;
  }

  /** Every live release, in all environments. */
  async allLive(): Promise<Release[]> {
    const rows = await this.db.selectFrom("releases").selectAll().where("status", "=", "live").orderBy("id").execute();
    return rows.map(toRelease);
  }

  /** Release history, newest first, filtered by project and/or environment; page with `beforeId`. */
  async list(q: { project?: string; environment?: string; limit: number; beforeId?: number }): Promise<Release[]> {
    let sel = this.db.selectFrom("releases").selectAll();
    if (q.project) sel = sel.where("project", "=", q.project);
    if (q.environment) sel = sel.where("environment", "=", q.environment);
    if (q.beforeId) sel = sel.where("id", "<", q.beforeId);
    return (await sel.orderBy("id", "desc").limit(q.limit).execute()).map(toRelease);
  }

  /** Releases that went live in `[since, until]`, oldest first. */
  async wentLive(project: string, since: number, until: number): Promise<Release[]> {
    const rows = await this.db
      .selectFrom("releases")
      .selectAll()
      .where("project", "=", project)
      .where("live_at", ">=", since)
      .where("live_at", "<=", until)
      .orderBy("live_at")
      .execute();
    return rows.map(toRelease);
  }

  /** Sets the status (stamping live_at / ended_at as it goes). */
  async setStatus(id: number, status: ReleaseStatusName, at: number): Promise<void> {
    await this.db
      .updateTable("releases")
      .set({
        status,
        ...(status === "live" ? { live_at: at, ended_at: null } : status === "pending" ? {} : { ended_at: at }),
      })
      .where("id", "=", id)
      .execute();
  }

  /** Records the process ids of the release's replicas (for cleanup after a crash). */
  async setPids(id: number, pids: number[]): Promise<void> {
    await this.db
      .updateTable("releases")
      .set({ pids: JSON.stringify(pids) })
      .where("id", "=", id)
      .execute();
  }
}

function toRelease(r: Selectable<ReleasesTable>): Release {
  return {
    id: Number(r.id),
    project: r.project,
    environment: r.environment,
    runId: r.run_id == null ? null : Number(r.run_id),
    commit: r.commit_sha,
    status: r.status,
    spec: fromJson<ReleaseRunSpec>(r.spec, {} as ReleaseRunSpec),
    pids: fromJson<number[]>(r.pids, []),
    triggeredBy: r.triggered_by,
    reason: r.reason,
    createdAt: Number(r.created_at),
    liveAt: r.live_at == null ? null : Number(r.live_at),
    endedAt: r.ended_at == null ? null : Number(r.ended_at),
  };
}
