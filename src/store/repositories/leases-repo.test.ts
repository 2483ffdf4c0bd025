import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { LeasesRepo } from "./leases-repo.js";

describe.each(await testDialects())("leases repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });
  const open = async () => {
    tdb = await make();
    return new LeasesRepo(tdb.database.db);
  };

  it("gives a live lease to one holder; renewal keeps its start; expiry or release frees it", async () => {
    const repo = await open();
    expect(await repo.acquire("leader", "a", 1_000, 500)).toBe(true);
    expect(await repo.acquire("leader", "b", 1_200, 500)).toBe(false);
    expect(await repo.acquire("leader", "a", 1_400, 500)).toBe(true);
    expect(await repo.get("leader")).toEqual({ name: "leader", holder: "a", expiresAt: 1_900, acquiredAt: 1_000 });
    // a stopped renewing: once expired, b takes it and a cannot take it back.
    expect(await repo.acquire("leader", "b", 1_901, 500)).toBe(true);
    expect(await repo.acquire("leader", "a", 1_950, 500)).toBe(false);
    expect(await repo.get("leader")).toMatchObject({ holder: "b", acquiredAt: 1_901 });
    await repo.release("leader", "a");
    expect((await repo.get("leader"))?.holder).toBe("b");
    await repo.release("leader", "b");
    expect(await repo.get("leader")).toBeUndefined();
    expect(await repo.acquire("other", "a", 2_000, 500)).toBe(true);
  });

  it("lets exactly one of many concurrent takers win", async () => {
    const repo = await open();
    const won = await Promise.all(["a", "b", "c", "d", "e"].map((h) => repo.acquire("leader", h, 5_000, 1_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});
