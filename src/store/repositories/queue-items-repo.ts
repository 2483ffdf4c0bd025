import type { Kysely, Selectable } from "kysely";
import type { DB, QueueItemsTable } from "../schema.js";

/** A stored queue item (payload and labels still JSON text). */
export type QueueItemRow = Selectable<QueueItemsTable>;

/** What enqueueing one item stores. */
export interface NewQueueItem {
  queue: string;
  dedupeKey: string | null;
  payload: string;
  labels: string;
  maxAttempts: number;
  runAfter: number;
}

/**
 * Persistence of the embedded job queue (`queue_items`): every status change is a
 * compare-and-set, so several processes on one PostgreSQL lease each item once.
 */
export class QueueItemsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Stores an item as `queued`; an item with the same dedupe key already there wins (answers
   * false), unless it has failed: a failed item is replaced by the new one.
   */
  async insert(item: NewQueueItem, now: number): Promise<boolean> {
    const res = await this.db
      .insertInto("queue_items")
      .values({
        queue: item.queue,
        dedupe_key: item.dedupeKey,
        payload: item.payload,
        labels: item.labels,
        status: "queued",
        lease_owner: null,
        lease_expires_at: null,
        attempts: 0,
        max_attempts: item.maxAttempts,
        run_after: item.runAfter,
        last_error: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .column("dedupe_key")
          .doUpdateSet((eb) => ({
            queue: eb.ref("excluded.queue"),
            payload: eb.ref("excluded.payload"),
            labels: eb.ref("excluded.labels"),
            status: "queued",
            lease_owner: null,
            lease_expires_at: null,
            attempts: 0,
            max_attempts: eb.ref("excluded.max_attempts"),
            run_after: eb.ref("excluded.run_after"),
            last_error: null,
            created_at: now,
            updated_at: now,
          }))
          .where("queue_items.status", "=", "failed"),
      )
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Gives back items of `queue` whose lease expired before `now` (a crashed or stuck consumer). */
  async releaseExpired(queue: string, now: number): Promise<void> {
    await this.db
      .updateTable("queue_items")
      .set({ status: "queued", lease_owner: null, lease_expires_at: null, updated_at: now })
      .where("queue", "=", queue)
      .where("status", "=", "leased")
      .where("lease_expires_at", "<", now)
      .execute();
  }

  /** Up to `limit` queued items of `queue` due at `now`, oldest due first. */
  async due(queue: string, now: number, limit: number): Promise<QueueItemRow[]> {
    return this.db
      .selectFrom("queue_items")
      .selectAll()
      .where("queue", "=", queue)
      .where("status", "=", "queued")
      .where("run_after", "<=", now)
      .orderBy("run_after")
      .orderBy("id")
      .limit(limit)
      .execute();
  }

  /** Leases a still-queued item to `owner` until `expiresAt`; false when another process won. */
  async lease(item: QueueItemRow, owner: string, expiresAt: number, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable("queue_items")
      .set({
        status: "leased",
        lease_owner: owner,
        lease_expires_at: expiresAt,
        attempts: item.attempts + 1,
        updated_at: now,
      })
      .where("id", "=", item.id)
      .where("status", "=", "queued")
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Extends the lease `owner` holds on an item. */
  async heartbeat(id: number, owner: string, expiresAt: number): Promise<void> {
    await this.db
      .updateTable("queue_items")
      .set({ lease_expires_at: expiresAt })
      .where("id", "=", id)
      .where("lease_owner", "=", owner)
      .execute();
  }

  /** Removes a handled item. */
  async remove(id: number): Promise<void> {
    await this.db.deleteFrom("queue_items").where("id", "=", id).execute();
  }

  /** Records a failed attempt: back to `queued` after `runAfter` when retrying, else `failed`. */
  async fail(id: number, f: { retry: boolean; runAfter: number; error: string; now: number }): Promise<void> {
    await this.db
      .updateTable("queue_items")
      .set({
        status: f.retry ? "queued" : "failed",
        lease_owner: null,
        lease_expires_at: null,
        run_after: f.runAfter,
        last_error: f.error,
        updated_at: f.now,
      })
      .where("id", "=", id)
      .execute();
  }

  /** Deletes a still-queued item by its dedupe key; true when there was one. */
  async removeQueued(dedupeKey: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom("queue_items")
      .where("dedupe_key", "=", dedupeKey)
      .where("status", "=", "queued")
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** How many items of `queue` are in each status. */
  async counts(queue: string): Promise<{ queued: number; leased: number; failed: number }> {
    const rows = await this.db
      .selectFrom("queue_items")
      .select(["status", (eb) => eb.fn.countAll().as("n")])
      .where("queue", "=", queue)
      .groupBy("status")
      .execute();
    const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { queued: n("queued"), leased: n("leased"), failed: n("failed") };
  }
}
