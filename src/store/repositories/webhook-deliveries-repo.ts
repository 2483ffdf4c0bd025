import type { Kysely } from "kysely";
import type { DB } from "../schema.js";

/** Webhook deliveries already received, remembered for the replay window (replay protection). */
export class WebhookDeliveriesRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Records delivery `key` at `now` and forgets those received before `forgetBefore` (the bound
   * on the table); false when the key was already recorded, i.e. the delivery is a replay.
   */
  async remember(key: string, now: number, forgetBefore: number): Promise<boolean> {
    await this.db.deleteFrom("webhook_deliveries").where("received_at", "<", forgetBefore).execute();
    const r = await this.db
      .insertInto("webhook_deliveries")
      .values({ delivery_key: key, received_at: now })
      .onConflict((oc) => oc.column("delivery_key").doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Forgets a delivery (its processing failed, so the sender's redelivery must be accepted). */
  async forget(key: string): Promise<void> {
    await this.db.deleteFrom("webhook_deliveries").where("delivery_key", "=", key).execute();
  }
}
