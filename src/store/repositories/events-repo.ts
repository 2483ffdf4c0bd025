import { type Kysely, sql } from "kysely";
import { subjectFilterPrefixes } from "../../common/subject-filter.js";
import type { DB } from "../schema.js";

/** A domain event as stored in the event log. */
export interface StoredEvent {
  id: number;
  type: string;
  subject: string;
  data: Record<string, unknown>;
  at: number;
}

/** Persistence of the append-only event log. */
export class EventsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Appends an event and returns it with its id. */
  async append(e: Omit<StoredEvent, "id">): Promise<StoredEvent> {
    const row = await this.db
      .insertInto("events")
      .values({ type: e.type, subject: e.subject, data: JSON.stringify(e.data), at: e.at })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { ...e, id: row.id };
  }

  /** The id of the newest event (0 when there is none): a cursor for "from now on". */
  async lastId(): Promise<number> {
    const row = await this.db
      .selectFrom("events")
      .select((eb) => eb.fn.max("id").as("id"))
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  /** Events after `afterId` (oldest first), optionally for the subjects a `?subject=` filter matches (common/subject-filter.ts). */
  async list(
    opts: { afterId?: number; subjectPrefix?: string; type?: string; limit?: number } = {},
  ): Promise<StoredEvent[]> {
    let q = this.db
      .selectFrom("events")
      .selectAll()
      .where("id", ">", opts.afterId ?? 0)
      .orderBy("id")
      .limit(Math.min(opts.limit ?? 500, 5000));
    const filter = opts.subjectPrefix;
    if (filter) {
      q = q.where((eb) =>
        eb.or([
          eb("subject", "=", filter),
          ...subjectFilterPrefixes(filter).map((p) =>
            eb(sql<string>`substr(subject, 1, ${sql.lit(p.length)})`, "=", p),
          ),
        ]),
      );
    }
    if (opts.type) q = q.where("type", "=", opts.type);
    const rows = await q.execute();
    return rows.map((r) => ({ id: r.id, type: r.type, subject: r.subject, data: JSON.parse(r.data), at: r.at }));
  }
}
