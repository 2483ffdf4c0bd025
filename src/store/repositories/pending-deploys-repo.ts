import type { Kysely, Selectable } from "kysely";
import type { DB, PendingDeploysTable } from "../schema.js";

/** The run the pipeline's deploy stage must still ship into an environment. */
export interface PendingDeploy {
  project: string;
  environment: string;
  runId: number;
  runNumber: number;
  commit: string;
  /** Why it is not live yet (e.g. the rollout in progress it waits for). */
  waiting: string;
  createdAt: number;
  updatedAt: number;
}

/** What recording a pending deploy stores. */
export type NewPendingDeploy = Omit<PendingDeploy, "createdAt" | "updatedAt">;

const toPending = (r: Selectable<PendingDeploysTable>): PendingDeploy => ({
  project: r.project,
  environment: r.environment,
  runId: Number(r.run_id),
  runNumber: Number(r.run_number),
  commit: r.commit,
  waiting: r.waiting,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/**
 * Pending deploys, one per (project, environment) and newest run wins: recording an older run than
 * the one pending changes nothing, and removing names the run, so a newer one recorded meanwhile stays.
 */
export class PendingDeploysRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Records `p` unless a newer run is pending there; returns the pending deploy either way. */
  async record(p: NewPendingDeploy, at: number): Promise<PendingDeploy> {
    await this.db
      .insertInto("pending_deploys")
      .values({
        project: p.project,
        environment: p.environment,
        run_id: p.runId,
        run_number: p.runNumber,
        commit: p.commit,
        waiting: p.waiting,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) =>
        oc
          .columns(["project", "environment"])
          .doUpdateSet((eb) => ({
            run_id: eb.ref("excluded.run_id"),
            run_number: eb.ref("excluded.run_number"),
            commit: eb.ref("excluded.commit"),
            waiting: eb.ref("excluded.waiting"),
            created_at: eb.ref("excluded.created_at"),
            updated_at: eb.ref("excluded.updated_at"),
          }))
          .where((eb) => eb("pending_deploys.run_id", "<", eb.ref("excluded.run_id"))),
      )
      .execute();
    return (await this.get(p.project, p.environment))!;
  }

  /** The pending deploy of `project` in `environment`, if any. */
  async get(project: string, environment: string): Promise<PendingDeploy | undefined> {
    const row = await this.db
      .selectFrom("pending_deploys")
      .selectAll()
      .where("project", "=", project)
      .where("environment", "=", environment)
      .executeTakeFirst();
    return row && toPending(row);
  }

  /** Every pending deploy (of `project` when given), oldest first. */
  async list(project?: string): Promise<PendingDeploy[]> {
    let q = this.db.selectFrom("pending_deploys").selectAll();
    if (project !== undefined) q = q.where("project", "=", project);
    return (await q.orderBy("created_at").execute()).map(toPending);
  }

  /** Says why run `runId`'s pending deploy still waits (no-op once another run is pending). */
  async setWaiting(project: string, environment: string, runId: number, waiting: string, at: number): Promise<void> {
    await this.db
      .updateTable("pending_deploys")
      .set({ waiting, updated_at: at })
      .where("project", "=", project)
      .where("environment", "=", environment)
      .where("run_id", "=", runId)
      .execute();
  }

  /** Removes the pending deploy if it is still run `runId`'s; returns whether it did. */
  async remove(project: string, environment: string, runId: number): Promise<boolean> {
    const res = await this.db
      .deleteFrom("pending_deploys")
      .where("project", "=", project)
      .where("environment", "=", environment)
      .where("run_id", "=", runId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
