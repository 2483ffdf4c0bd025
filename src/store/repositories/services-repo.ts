import type { Kysely } from "kysely";
import { NotFoundError } from "../../common/errors.js";
import type { DB, ServicesTable } from "../schema.js";

/** A service pitcrew deploys and watches: where its metrics and logs are and which code it runs. */
export interface Service {
  name: string;
  environment: string;
  /** URL of its Prometheus text-format metrics endpoint, if it has one. */
  metricsUrl: string | null;
  scrapeIntervalMs: number;
  /** Where its logs come from (a file path or an ingest source name). */
  logSource: string | null;
  /** The owning repository (a project name or URL) and the service's path inside it. */
  repository: string | null;
  repoPath: string | null;
  createdAt: number;
  updatedAt: number;
}

/** What registering a service sets. */
export type NewService = Omit<Service, "createdAt" | "updatedAt">;

const toService = (r: ServicesTable): Service => ({
  name: r.name,
  environment: r.environment,
  metricsUrl: r.metrics_url,
  scrapeIntervalMs: Number(r.scrape_interval_ms),
  logSource: r.log_source,
  repository: r.repository,
  repoPath: r.repo_path,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** The services registry, keyed by name. */
export class ServicesRepo {
  readonly #db: Kysely<DB>;
  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Registers a service or replaces its settings (keeping `createdAt`); returns it. */
  async upsert(s: NewService, now = Date.now()): Promise<Service> {
    const values = {
      environment: s.environment,
      metrics_url: s.metricsUrl,
      scrape_interval_ms: s.scrapeIntervalMs,
      log_source: s.logSource,
      repository: s.repository,
      repo_path: s.repoPath,
      updated_at: now,
    };
    await this.#db
      .insertInto("services")
      .values({ name: s.name, ...values, created_at: now })
      .onConflict((oc) => oc.column("name").doUpdateSet(values))
      .execute();
    return this.get(s.name);
  }

  /** The service called `name`; NotFoundError when unknown. */
  async get(name: string): Promise<Service> {
    const row = await this.#db.selectFrom("services").selectAll().where("name", "=", name).executeTakeFirst();
    if (!row) throw new NotFoundError("service", name);
    return toService(row);
  }

  /** Every service, by name. */
  async list(): Promise<Service[]> {
    return (await this.#db.selectFrom("services").selectAll().orderBy("name").execute()).map(toService);
  }
}
