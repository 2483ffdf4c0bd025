import type { Kysely } from "kysely";
import type { DB } from "../schema.js";

/** Who holds a lease, and until when. */
export interface Lease {
  name: string;
  holder: string;
  expiresAt: number;
  acquiredAt: number;
}

/**
 * Named leases shared by every process on the store (SQLite or PostgreSQL). Taking or renewing
 * is one atomic upsert that only overwrites the row when the caller already holds it or it has
 * expired, so two replicas never both hold a live lease.
 */
export class LeasesRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Takes or renews lease `name` for `holder` until `now + ttlMs`; returns whether `holder` holds it. */
  async acquire(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    const expiresAt = now + ttlMs;
    await this.db
      .insertInto("leases")
      .values({ name, holder, expires_at: expiresAt, acquired_at: now })
      .onConflict((oc) =>
        oc
          .column("name")
          .doUpdateSet((eb) => ({
            holder: eb.ref("excluded.holder"),
            expires_at: eb.ref("excluded.expires_at"),
            acquired_at: eb
              .case()
              .when("leases.holder", "=", holder)
              .then(eb.ref("leases.acquired_at"))
              .else(eb.ref("excluded.acquired_at"))
              .end(),
          }))
          .where((eb) => eb.or([eb("leases.holder", "=", holder), eb("leases.expires_at", "<", now)])),
      )
      .execute();
    return (await this.get(name))?.holder === holder;
  }

  /** Gives lease `name` up if `holder` holds it (another replica may take it at once). */
  async release(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom("leases").where("name", "=", name).where("holder", "=", holder).execute();
  }

  /** The lease `name`, expired or not, if anyone ever took it. */
  async get(name: string): Promise<Lease | undefined> {
    const r = await this.db.selectFrom("leases").selectAll().where("name", "=", name).executeTakeFirst();
    return r && { name: r.name, holder: r.holder, expiresAt: Number(r.expires_at), acquiredAt: Number(r.acquired_at) };
  }
}
