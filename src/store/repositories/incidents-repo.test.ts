import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { type IncidentSignal, IncidentsRepo } from "./incidents-repo.js";

const signal = (key: string, service = "api"): IncidentSignal => ({
  kind: "alert",
  key,
  service,
  status: "firing",
  data: { key },
  at: 1000,
});

describe.each(await testDialects())("incidents repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });
  const open = async () => {
    tdb = await make();
    return new IncidentsRepo(tdb.database.db);
  };
  const entry = (eventId: number | null) => ({ type: "signal", data: {}, eventId, at: 1 });

  it("opens, adds signals, and finds unresolved incidents by signal", async () => {
    const repo = await open();
    const i = await repo.open({ title: "t", service: "api", severity: "warning", at: 5 }, signal("a"), [entry(1)]);
    expect(i).toMatchObject({ status: "open", version: 1, services: ["api"], openedAt: 5, lastSignalAt: 1000 });
    await repo.addSignal(
      i.id,
      signal("b", "db"),
      { services: ["api", "db"], severity: "critical", lastSignalAt: 2000 },
      [entry(2)],
    );
    expect(await repo.get(i.id)).toMatchObject({ version: 2, services: ["api", "db"], severity: "critical" });
    expect((await repo.unresolvedWithSignal("alert", "b")).map((x) => x.id)).toEqual([i.id]);
    expect((await repo.list({ service: "db", limit: 10 })).map((x) => x.id)).toEqual([i.id]);
    expect(await repo.list({ service: "web", limit: 10 })).toEqual([]);
    expect(await repo.seenEvent(2)).toBe(true);
    expect(await repo.seenEvent(3)).toBe(false);
    // An event id is applied once: a second timeline entry for it fails as a whole.
    await expect(
      repo.addSignal(i.id, signal("c"), { services: ["api"], severity: "x", lastSignalAt: 1 }, [entry(2)]),
    ).rejects.toThrow();
    expect((await repo.signals(i.id)).map((s) => s.key)).toEqual(["a", "b"]);
    await expect(repo.get(999)).rejects.toThrow(/not found/);
  });

  it("lets only one of two concurrent transitions from the same version win", async () => {
    const repo = await open();
    const i = await repo.open({ title: "t", service: "api", severity: "warning", at: 5 }, signal("a"), []);
    const results = await Promise.all([
      repo.transition(i.id, i, { status: "acknowledged", at: 10, by: "alice" }, [entry(null)]),
      repo.transition(i.id, i, { status: "resolved", at: 11, by: "bob" }, [entry(null)]),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const after = await repo.get(i.id);
    expect(after.version).toBe(2);
    expect((await repo.timeline(i.id)).filter((e) => e.type === "signal")).toHaveLength(1);
    expect(await repo.transition(i.id, i, { status: "resolved", at: 12, by: "carol" }, [])).toBe(false);
    await repo.resolveSignal(i.id, "alert", "a", []);
    expect((await repo.signals(i.id))[0]!.status).toBe("resolved");
  });
});
