import type { Kysely } from "kysely";
import type { DB } from "../schema.js";

/** Small key/value settings pitcrew keeps about itself. */
export class SettingsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** The value of `key`, if set. */
  async get(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
    return row?.value;
  }

  /** Sets `key` to `value` (insert or replace). */
  async set(key: string, value: string): Promise<void> {
    await this.db
      .insertInto("settings")
      .values({ key, value })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
      .execute();
  }
}
