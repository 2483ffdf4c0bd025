import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { type Alert, AlertsRepo } from "./alerts-repo.js";
import { EventsRepo } from "./events-repo.js";

const alert = (over: Partial<Alert> = {}): Alert => ({
  fingerprint: "fp1",
  name: "HighErrors",
  status: "firing",
  source: "alertmanager",
  labels: { alertname: "HighErrors", job: "api" },
  annotations: { summary: "too many" },
  value: null,
  activeAt: 1000,
  startsAt: 1000,
  endsAt: null,
  updatedAt: 1000,
  ...over,
});

describe.each(await testDialects())("alerts repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("keeps one row per fingerprint and reports the status each write replaced", async () => {
    tdb = await make();
    const repo = new AlertsRepo(tdb.database.db, tdb.database.sqlite);
    expect(await repo.save([alert(), alert({ fingerprint: "fp2", status: "pending", value: 3 })])).toEqual([
      undefined,
      undefined,
    ]);
    expect(await repo.save([alert({ updatedAt: 2000 }), alert({ status: "resolved", endsAt: 3000 })])).toEqual([
      "firing",
      "firing",
    ]);
    expect(await repo.get("fp1")).toEqual(alert({ status: "resolved", endsAt: 3000 }));
    expect((await repo.list({ status: ["pending"] })).map((a) => a.value)).toEqual([3]);
    await repo.remove(["fp2"]);
    expect((await repo.list()).map((a) => a.fingerprint)).toEqual(["fp1"]);
    await expect(repo.get("fp2")).rejects.toThrow(/not found/);
  });

  it("stores a batch and the events it announces in one transaction, events in order", async () => {
    tdb = await make();
    const repo = new AlertsRepo(tdb.database.db, tdb.database.sqlite);
    const events = new EventsRepo(tdb.database.db);
    const batch = Array.from({ length: 1200 }, (_, i) => alert({ fingerprint: `f${i}` }));
    const announce = (prior: unknown[]) =>
      batch.map((a, i) => ({
        type: "alert.firing",
        subject: `alert:${a.fingerprint}`,
        data: { i, was: prior[i] ?? null },
        at: 5,
      }));
    const { prior, events: stored } = await repo.saveAnnounced(batch, announce);
    expect(prior.every((p) => p === undefined)).toBe(true);
    expect(stored.map((e) => e.subject)).toEqual(batch.map((a) => `alert:${a.fingerprint}`));
    expect(stored.every((e, i) => i === 0 || e.id > (stored[i - 1] as { id: number }).id)).toBe(true);
    const read = await events.list({ limit: 5000 });
    expect(read.map((e) => [e.id, e.subject, e.data.i])).toEqual(stored.map((e) => [e.id, e.subject, e.data.i]));

    // An announcement that fails takes the alerts down with it: nothing of the batch is stored.
    await expect(
      repo.saveAnnounced([alert({ fingerprint: "late" })], () => {
        throw new Error("announce failed");
      }),
    ).rejects.toThrow(/announce failed/);
    await expect(repo.get("late")).rejects.toThrow(/not found/);
    expect(await events.list({ afterId: stored.at(-1)?.id })).toEqual([]);
  });
});
