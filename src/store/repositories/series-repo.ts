import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { DB } from "../schema.js";

/** Labels of a series, including `__name__` (the metric name), as Prometheus models them. */
export type Labels = Record<string, string>;

/** One sample to store: the series' labels, epoch-ms time and value (NaN and ±Inf allowed). */
export interface NewSample {
  labels: Labels;
  t: number;
  v: number;
}

/** A stored series. */
export interface StoredSeries {
  id: number;
  labels: Labels;
}

/** One stored point of a series. */
export interface Point {
  t: number;
  v: number;
}

const CHUNK = 500;

/** Labels sorted by name, so equal label sets serialise identically. */
export function sortedLabels(labels: Labels): Labels {
  const out: Labels = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k]!;
  return out;
}

/** The identity of a series: a hash of its sorted labels (name included). */
export function seriesHash(labels: Labels): string {
  return createHash("sha256")
    .update(JSON.stringify(Object.entries(sortedLabels(labels))))
    .digest("hex")
    .slice(0, 32);
}

/**
 * The built-in TSDB: series (unique by label hash) and their samples (unique by series and
 * time; a repeated sample is ignored). NaN is stored as NULL and read back as NaN; ±Inf are kept.
 */
export class SeriesRepo {
  readonly #db: Kysely<DB>;
  /** hash → id of series known to exist (cleared when retention drops series). */
  readonly #ids = new Map<string, number>();

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Stores samples in one transaction, creating missing series; returns how many samples were new. */
  async append(samples: NewSample[], now = Date.now()): Promise<number> {
    if (samples.length === 0) return 0;
    const hashes = samples.map((s) => seriesHash(s.labels));
    let added = 0;
    await this.#db.transaction().execute(async (trx) => {
      const missing = new Map<string, Labels>();
      hashes.forEach((h, i) => {
        if (!this.#ids.has(h)) missing.set(h, samples[i]!.labels);
      });
      const entries = [...missing];
      for (let i = 0; i < entries.length; i += CHUNK) {
        const part = entries.slice(i, i + CHUNK);
        await trx
          .insertInto("series")
          .values(
            part.map(([hash, labels]) => ({
              hash,
              name: labels.__name__ ?? "",
              labels: JSON.stringify(sortedLabels(labels)),
              created_at: now,
            })),
          )
          .onConflict((oc) => oc.column("hash").doNothing())
          .execute();
        const rows = await trx
          .selectFrom("series")
          .select(["id", "hash"])
          .where(
            "hash",
            "in",
            part.map(([h]) => h),
          )
          .execute();
        for (const r of rows) this.#ids.set(r.hash, r.id);
      }
      const rows = samples.map((s, i) => ({
        series_id: this.#ids.get(hashes[i]!)!,
        t: Math.round(s.t),
        v: Number.isNaN(s.v) ? null : s.v,
      }));
      for (let i = 0; i < rows.length; i += CHUNK) {
        const res = await trx
          .insertInto("samples")
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) => oc.columns(["series_id", "t"]).doNothing())
          .executeTakeFirst();
        added += Number(res.numInsertedOrUpdatedRows ?? 0);
      }
    });
    return added;
  }

  /** Series with metric name `name` (every series when undefined). */
  async series(name?: string): Promise<StoredSeries[]> {
    let q = this.#db.selectFrom("series").select(["id", "labels"]).orderBy("id");
    if (name !== undefined) q = q.where("name", "=", name);
    const rows = await q.execute();
    return rows.map((r) => ({ id: r.id, labels: JSON.parse(r.labels) as Labels }));
  }

  /** Samples of the given series with `from <= t <= to`, by series id, oldest first. */
  async samples(ids: number[], from: number, to: number): Promise<Map<number, Point[]>> {
    const out = new Map<number, Point[]>(ids.map((id) => [id, []]));
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.#db
        .selectFrom("samples")
        .select(["series_id", "t", "v"])
        .where("series_id", "in", ids.slice(i, i + CHUNK))
        .where("t", ">=", from)
        .where("t", "<=", to)
        .orderBy("series_id")
        .orderBy("t")
        .execute();
      for (const r of rows) out.get(r.series_id)?.push({ t: r.t, v: r.v === null ? Number.NaN : Number(r.v) });
    }
    return out;
  }

  /** Deletes samples older than `before` and series left without samples; returns samples deleted. */
  async deleteBefore(before: number): Promise<number> {
    const res = await this.#db.deleteFrom("samples").where("t", "<", before).executeTakeFirst();
    await this.#db
      .deleteFrom("series")
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom("samples").select("t").whereRef("samples.series_id", "=", "series.id"))),
      )
      .execute();
    this.#ids.clear();
    return Number(res.numDeletedRows);
  }

  /**
   * Replaces the samples in [from, to) by one per series and `stepMs` bucket: the average of the
   * bucket's non-NaN values at the bucket's last timestamp. Returns the rows written.
   */
  async downsample(from: number, to: number, stepMs: number): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      const bucket = sql<number>`t / ${sql.raw(String(Math.trunc(stepMs)))}`;
      const rows = await trx
        .selectFrom("samples")
        .select(["series_id", sql<number>`max(t)`.as("t"), sql<number | null>`avg(v)`.as("v")])
        .where("t", ">=", from)
        .where("t", "<", to)
        .groupBy(["series_id", bucket])
        .execute();
      await trx.deleteFrom("samples").where("t", ">=", from).where("t", "<", to).execute();
      for (let i = 0; i < rows.length; i += CHUNK) {
        await trx
          .insertInto("samples")
          .values(
            rows
              .slice(i, i + CHUNK)
              .map((r) => ({ series_id: r.series_id, t: Number(r.t), v: r.v === null ? null : Number(r.v) })),
          )
          .execute();
      }
      return rows.length;
    });
  }
}
