import { Migrator } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { migrateToLatest, migrations } from "../migrate.js";
import { RolloutsRepo } from "./rollouts-repo.js";

describe.each(await testDialects())("rollouts repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });
  const open = async () => {
    tdb = await make();
    return new RolloutsRepo(tdb.database.db);
  };
  const rollout = (environment: string, releaseId: number) => ({
    project: "web",
    environment,
    releaseId,
    baselineReleaseId: null,
    kind: "deploy",
    strategy: {},
    at: 1_000,
  });

  it("of concurrent creates for one project and environment, one starts and the others get a 409", async () => {
    const repo = await open();
    for (const environment of ["a", "b", "c", "d", "e"]) {
      const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((id) => repo.create(rollout(environment, id))));
      const started = results.filter((r) => r.status === "fulfilled");
      expect(started).toHaveLength(1);
      const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));
      expect(refused.map((e) => e.name)).toEqual(Array(5).fill("RolloutInProgressError"));
      expect(refused[0]!.message).toContain(String((started[0] as PromiseFulfilledResult<{ id: number }>).value.id));
    }
    expect((await repo.active()).map((r) => r.environment)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("migration 0043 keeps the newest of two active rollouts of a pair and aborts the others", async () => {
    const repo = await open();
    const db = tdb!.database.db;
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo("0042-pending-deploys")).error).toBeUndefined();
    const insert = (environment: string, state: string) =>
      db
        .insertInto("rollouts")
        .values({
          project: "web",
          environment,
          release_id: 1,
          baseline_release_id: null,
          kind: "deploy",
          strategy: "{}",
          state: state as never,
          step: 0,
          weight: 0,
          message: "m",
          created_at: 1,
          updated_at: 2,
          finished_at: null,
        })
        .execute();
    for (const [environment, state] of [
      ["prod", "progressing"],
      ["prod", "succeeded"],
      ["prod", "paused"],
      ["prod", "rolling_back"],
      ["staging", "paused"],
    ])
      await insert(environment!, state!);
    expect((await migrateToLatest(db))[0]).toBe("0043-one-active-rollout");
    const rows = (await repo.list({ project: "web", limit: 10 })).map((r) => [r.id, r.environment, r.state]);
    expect(rows.reverse()).toEqual([
      [1, "prod", "aborted"],
      [2, "prod", "succeeded"],
      [3, "prod", "aborted"],
      [4, "prod", "rolling_back"],
      [5, "staging", "paused"],
    ]);
    expect((await repo.get(1)).finishedAt).toBe(2);
  });
});
