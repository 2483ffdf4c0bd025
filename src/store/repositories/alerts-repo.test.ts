import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { type Alert, AlertsRepo } from "./alerts-repo.js";

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
    const repo = new AlertsRepo(tdb.database.db);
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
});
