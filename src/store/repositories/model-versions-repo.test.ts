import { Migrator } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { migrateToLatest, migrations } from "../migrate.js";
import { ModelVersionsRepo, type NewModelVersion } from "./model-versions-repo.js";

describe.each(await testDialects())("model versions repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });
  const open = async () => {
    tdb = await make();
    return new ModelVersionsRepo(tdb.database.db);
  };
  const base: NewModelVersion = {
    model: "test-failure",
    scope: "project:1",
    status: "candidate",
    reason: "trained",
    state: { weights: [0.5, -1.25] },
    trainFrom: 1_000,
    trainTo: 2_000,
    counts: { train: 40, eval: 7 },
    metrics: { apfd: 0.8 },
    profile: { f: { edges: [1, 2], ref: [0.5, 0.5] } },
    codeVersion: "1.0.0",
    parentVersion: null,
    at: 5_000,
  };

  it("numbers versions per model and scope and keeps state and figures as JSON", async () => {
    const repo = await open();
    const a = await repo.create(base);
    const b = await repo.create({ ...base, parentVersion: 1, at: 6_000 });
    const other = await repo.create({ ...base, scope: "project:2" });
    expect([a.version, b.version, other.version]).toEqual([1, 2, 1]);
    expect(await repo.get("test-failure", "project:1", 2)).toMatchObject({
      state: { weights: [0.5, -1.25] },
      counts: { train: 40, eval: 7 },
      parentVersion: 1,
      trainTo: 2_000,
    });
    expect((await repo.list({ model: "test-failure", scope: "project:1" })).map((v) => v.version)).toEqual([2, 1]);
    await expect(repo.get("test-failure", "project:1", 9)).rejects.toThrow(/not found/);
  });

  it("changes status by compare-and-set, merging figures", async () => {
    const repo = await open();
    const a = await repo.create(base);
    const live = await repo.transition(a.id, ["candidate"], {
      to: "live",
      reason: "better",
      at: 7_000,
      metrics: { p: 0.01 },
    });
    expect(live).toMatchObject({ status: "live", reason: "better", metrics: { apfd: 0.8, p: 0.01 }, updatedAt: 7_000 });
    expect(await repo.transition(a.id, ["candidate"], { to: "refused", reason: "x", at: 8_000 })).toBeUndefined();
    expect((await repo.live("test-failure", "project:1"))?.id).toBe(a.id);
    expect(await repo.live("test-failure", "project:2")).toBeUndefined();
  });

  it("drops the states of old retired and refused versions only, keeping their figures", async () => {
    const repo = await open();
    for (const status of ["retired", "refused", "live", "retired", "refused"] as const)
      await repo.create({ ...base, status });
    expect(await repo.dropOldStates("test-failure", "project:1", 2)).toBe(2);
    const states = (await repo.list({ model: "test-failure" })).map((v) => [v.version, v.status, v.state]);
    expect(states).toEqual([
      [5, "refused", base.state],
      [4, "retired", base.state],
      [3, "live", base.state],
      [2, "refused", null],
      [1, "retired", null],
    ]);
    expect((await repo.get("test-failure", "project:1", 1)).metrics).toEqual(base.metrics);
    expect(await repo.dropOldStates("test-failure", "project:1", 2)).toBe(0);
  });

  it("keeps one live version per model and scope: a second one cannot go live", async () => {
    const repo = await open();
    const a = await repo.create({ ...base, status: "live" });
    const b = await repo.create(base);
    expect(await repo.transition(b.id, ["candidate"], { to: "live", reason: "race", at: 9_000 })).toBeUndefined();
    expect((await repo.get("test-failure", "project:1", b.version)).status).toBe("candidate");
    await expect(repo.create({ ...base, status: "live" })).rejects.toThrow();
    expect((await repo.live("test-failure", "project:1"))?.id).toBe(a.id);
    const other = await repo.create({ ...base, scope: "project:2", status: "live" });
    expect(other.status).toBe("live");
  });

  it("migration 0026 keeps the newest of two live versions and retires the others", async () => {
    const repo = await open();
    const db = tdb!.database.db;
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo("0025-test-failure-details")).error).toBeUndefined();
    for (const scope of ["project:1", "project:1", "project:1", "project:2"])
      await repo.create({ ...base, scope, status: "live" });
    expect((await migrateToLatest(db))[0]).toBe("0026-one-live-model-version");
    const rows = (await repo.list({ model: "test-failure" })).map((v) => [v.scope, v.version, v.status]);
    expect(rows.sort()).toEqual([
      ["project:1", 1, "retired"],
      ["project:1", 2, "retired"],
      ["project:1", 3, "live"],
      ["project:2", 1, "live"],
    ]);
    expect((await repo.get("test-failure", "project:1", 1)).reason).toMatch(/newer version .* was live/);
  });
});
