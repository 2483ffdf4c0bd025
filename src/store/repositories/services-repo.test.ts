import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { ServicesRepo } from "./services-repo.js";

describe.each(await testDialects())("services repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("registers, updates in place and lists services by name", async () => {
    tdb = await make();
    const repo = new ServicesRepo(tdb.database.db);
    const api = {
      name: "api",
      environment: "prod",
      metricsUrl: "http://127.0.0.1:9000/metrics",
      scrapeIntervalMs: 15_000,
      logSource: null,
      repository: "shop",
      repoPath: "services/api",
    };
    await repo.upsert(api, 1000);
    await repo.upsert({ ...api, name: "db", metricsUrl: null }, 1000);
    const updated = await repo.upsert({ ...api, scrapeIntervalMs: 5000 }, 2000);
    expect(updated).toEqual({ ...api, scrapeIntervalMs: 5000, createdAt: 1000, updatedAt: 2000 });
    expect((await repo.list()).map((s) => s.name)).toEqual(["api", "db"]);
    await expect(repo.get("nope")).rejects.toThrow(/not found/);
  });
});
