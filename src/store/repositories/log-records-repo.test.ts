import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { type LogRecord, LogRecordsRepo } from "./log-records-repo.js";

const rec = (at: number, over: Partial<LogRecord> = {}): LogRecord => ({
  at,
  service: "api",
  level: "info",
  message: `message ${at}`,
  traceId: null,
  spanId: null,
  attributes: { n: at },
  source: "http",
  ...over,
});

describe.each(await testDialects())("log records on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });
  const open = async () => {
    tdb = await make();
    return new LogRecordsRepo(tdb.database.db, tdb.database.sqlite);
  };

  it("stores a large batch and pages newest first with a stable cursor", async () => {
    const repo = await open();
    // Several records share a timestamp: the id breaks the tie, so no page skips or repeats one.
    const batch = Array.from({ length: 2500 }, (_, i) => rec(1000 + Math.floor(i / 3)));
    expect(await repo.insertMany(batch)).toBe(2500);
    const seen: number[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await repo.search({ limit: 700, cursor });
      seen.push(...page.records.map((r) => r.id));
      if (!page.next) break;
      cursor = page.next;
      // Records arriving after the first page do not shift later pages.
      await repo.insertMany([rec(5000)]);
    }
    expect(seen).toHaveLength(2500);
    expect(new Set(seen).size).toBe(2500);
    const first = await repo.search({ limit: 1, since: 1000, until: 2000 });
    expect(first.records[0]).toMatchObject({ at: 1833, attributes: { n: 1833 }, source: "http" });
  });

  it("filters by service, levels, time, trace id and a literal substring", async () => {
    const repo = await open();
    await repo.insertMany([
      rec(1, { service: "web", level: "error", message: "Payment FAILED 100%" }),
      rec(2, { service: "web", level: "warn", traceId: "ab".repeat(16) }),
      rec(3, { service: "db", level: "error", message: "payment failed_x" }),
    ]);
    const ids = async (q: Parameters<LogRecordsRepo["search"]>[0]) => (await repo.search(q)).records.map((r) => r.at);
    expect(await ids({ limit: 10, service: "web" })).toEqual([2, 1]);
    expect(await ids({ limit: 10, levels: ["error"] })).toEqual([3, 1]);
    expect(await ids({ limit: 10, since: 2, until: 3 })).toEqual([2]);
    expect(await ids({ limit: 10, traceId: "ab".repeat(16) })).toEqual([2]);
    expect(await ids({ limit: 10, q: "payment failed" })).toEqual([3, 1]);
    expect(await ids({ limit: 10, q: "100%" })).toEqual([1]);
    expect(await ids({ limit: 10, q: "d_x" })).toEqual([3]);
    await expect(repo.search({ limit: 1, cursor: "garbage" })).rejects.toThrow(/invalid cursor/);
  });

  it("stores nothing when one record of a batch fails", async () => {
    const repo = await open();
    const bad = rec(2, { service: null as unknown as string });
    await expect(repo.insertMany([...Array.from({ length: 1500 }, (_, i) => rec(i)), bad])).rejects.toThrow();
    expect((await repo.search({ limit: 10 })).records).toHaveLength(0);
  });

  it("never joins another transaction that is open on the connection", async () => {
    const repo = await open();
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const other = tdb!.database.db.transaction().execute(async (trx) => {
      await trx.insertInto("settings").values({ key: "k", value: "v" }).execute();
      await held;
      throw new Error("rolled back");
    });
    await new Promise((r) => setTimeout(r, 20));
    const mine = repo.insertMany([rec(1), rec(2)]);
    release();
    await expect(other).rejects.toThrow("rolled back");
    expect(await mine).toBe(2);
    expect((await repo.search({ limit: 10 })).records).toHaveLength(2);
  });
});
