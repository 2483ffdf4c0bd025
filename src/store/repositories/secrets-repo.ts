import type { Kysely } from "kysely";
import type { Clock } from "../../common/clock.js";
import type { SecretBox } from "../../common/secret-box.js";
import type { DB } from "../schema.js";

/** Persistence of project secrets, encrypted at rest; values are only decrypted for a job. */
export class SecretsRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly box: SecretBox,
  ) {}

  /** Sets (or replaces) a secret of a project. */
  async set(projectId: number, name: string, value: string): Promise<void> {
    const value_enc = this.box.seal(value);
    await this.db
      .insertInto("secrets")
      .values({ project_id: projectId, name, value_enc, created_at: this.clock.now() })
      .onConflict((oc) => oc.columns(["project_id", "name"]).doUpdateSet({ value_enc }))
      .execute();
  }

  /** Names of a project's secrets (never the values). */
  async names(projectId: number): Promise<string[]> {
    const rows = await this.db.selectFrom("secrets").select("name").where("project_id", "=", projectId).execute();
    return rows.map((r) => r.name).sort();
  }

  /** Decrypted values of the named secrets that exist. */
  async reveal(projectId: number, names: string[]): Promise<Record<string, string>> {
    if (names.length === 0) return {};
    const rows = await this.db
      .selectFrom("secrets")
      .select(["name", "value_enc"])
      .where("project_id", "=", projectId)
      .where("name", "in", names)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.name, this.box.open(r.value_enc)]));
  }

  /** Deletes a secret. */
  async remove(projectId: number, name: string): Promise<void> {
    await this.db.deleteFrom("secrets").where("project_id", "=", projectId).where("name", "=", name).execute();
  }
}
