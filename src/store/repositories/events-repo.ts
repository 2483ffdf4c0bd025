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

/** An event to append; the store gives it its id. */
export type NewEvent = Omit<StoredEvent, "id">;

/** Rows per INSERT: 4 parameters each stays under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 1000;

/**
 * Appends `events` in their order with multi-row INSERTs on `db` (the database or an open
 * transaction, so that callers can store events with the state they announce) and returns them
 * with their ids, which increase in that order.
 */
export async function insertEvents(db: Kysely<DB>, events: NewEvent[]): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    const rows = await db
      .insertInto("events")
      .values(chunk.map((e) => ({ type: e.type, subject: e.subject, data: JSON.stringify(e.data), at: e.at })))
      .returning("id")
      .execute();
    // Ids are drawn row by row in VALUES order; RETURNING's own order is not promised.
    const ids = rows.map((r) => r.id).sort((a, b) => a - b);
    for (const [j, e] of chunk.entries()) stored.push({ ...e, id: ids[j] as number });
  }
  return stored;
}

/** An event row as the log hands it out (its data parsed). */
function storedEvent(r: { id: number; type: string; subject: string; data: string; at: number }): StoredEvent {
  return { id: r.id, type: r.type, subject: r.subject, data: JSON.parse(r.data), at: r.at };
}

/** Subjects per query of `ofSubjects` (bounded bind parameters). */
const SUBJECTS_PER_QUERY = 500;

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

  /**
   * Events of one type about any of `subjects` (exact keys, e.g. `run:42`): the newest `limit` of
   * them (the newest evidence counts), returned oldest first.
   */
  async ofSubjects(type: string, subjects: readonly string[], limit = 5000): Promise<StoredEvent[]> {
    let newest: StoredEvent[] = [];
    for (let i = 0; i < subjects.length; i += SUBJECTS_PER_QUERY) {
      const rows = await this.db
        .selectFrom("events")
        .selectAll()
        .where("subject", "in", subjects.slice(i, i + SUBJECTS_PER_QUERY))
        .where("type", "=", type)
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      for (const r of rows) newest.push(storedEvent(r));
      // at most `limit` kept between queries: the newest over the subjects read so far
      newest = newest.sort((a, b) => b.id - a.id).slice(0, limit);
    }
    return newest.reverse();
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
    return rows.map(storedEvent);
  }
}
