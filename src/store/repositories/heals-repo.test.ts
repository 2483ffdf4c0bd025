import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { HealsRepo } from "./heals-repo.js";

describe.each(await testDialects())("heals repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });
  const open = async () => {
    tdb = await make();
    return new HealsRepo(tdb.database.db);
  };

  it("creates one heal per incident, idempotently, with its first timeline entry", async () => {
    const repo = await open();
    const init = { incidentId: 7, service: "cart", policy: "deploy" as const, detectedAt: 100, at: 150 };
    const a = await repo.create(init);
    const b = await repo.create({ ...init, at: 999 });
    expect(b.id).toBe(a.id);
    expect(a).toMatchObject({ state: "detected", attempts: 0, version: 1, data: {}, detectedAt: 100, stateSince: 150 });
    expect(await repo.timeline(a.id)).toMatchObject([{ from: null, to: "detected" }]);
    expect(await repo.findByIncident(8)).toBeUndefined();
    await expect(repo.get(999)).rejects.toThrow(/heal/);
  });

  it("transitions by compare-and-set, merging data, and records MTTR on resolve", async () => {
    const repo = await open();
    const h = await repo.create({ incidentId: 1, service: "cart", policy: "pr", detectedAt: 1_000, at: 1_000 });
    const d = await repo.transition(
      h.id,
      { state: "detected", version: 1 },
      { to: "diagnosing", at: 2_000, note: "go" },
    );
    expect(d).toMatchObject({ state: "diagnosing", version: 2, stateSince: 2_000 });
    // a stale writer loses
    expect(
      await repo.transition(h.id, { state: "detected", version: 1 }, { to: "diagnosing", at: 2_001, note: "x" }),
    ).toBeUndefined();
    expect(await repo.recordProgress(h.id, 2, { pr: 4 }, 2_500)).toBe(true);
    expect(await repo.recordProgress(h.id, 1, { pr: 5 }, 2_500)).toBe(false);
    const r = await repo.transition(
      h.id,
      { state: "diagnosing", version: 2 },
      {
        to: "resolved",
        at: 9_000,
        note: "healthy",
        data: { verdict: "ok" },
        kind: "code_bug",
        attempts: 1,
        mttrMs: 8_000,
      },
    );
    expect(r).toMatchObject({ state: "resolved", kind: "code_bug", attempts: 1, resolvedAt: 9_000, mttrMs: 8_000 });
    expect(r!.data).toEqual({ pr: 4, verdict: "ok" });
    expect((await repo.timeline(h.id)).map((e) => e.to)).toEqual(["detected", "diagnosing", "resolved"]);
    expect((await repo.listActive(["resolved", "escalated", "failed"])).map((x) => x.id)).toEqual([]);
    expect((await repo.resolvedSince(0)).map((x) => x.id)).toEqual([h.id]);
    expect(await repo.list({ service: "cart", limit: 10 })).toHaveLength(1);
    expect(await repo.list({ state: "failed", limit: 10 })).toHaveLength(0);
  });
});
