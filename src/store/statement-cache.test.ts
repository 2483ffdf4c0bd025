import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { withStatementCache } from "./statement-cache.js";

describe("withStatementCache", () => {
  let db: SQLite.Database | undefined;
  afterEach(() => db?.open && db.close());

  it("hands out one statement per SQL text, and a fresh one while it is still iterating", () => {
    db = new SQLite(":memory:");
    db.exec("create table t (n integer)");
    db.exec("insert into t values (1), (2), (3)");
    const cached = withStatementCache(db);
    const a = cached.prepare("select n from t order by n");
    expect(cached.prepare("select n from t order by n")).toBe(a);
    const rows = (a as SQLite.Statement).iterate();
    expect(rows.next().value).toEqual({ n: 1 });
    const b = cached.prepare("select n from t order by n") as SQLite.Statement;
    expect(b).not.toBe(a);
    expect(b.all()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect([...rows]).toEqual([{ n: 2 }, { n: 3 }]);
    expect(cached.prepare("select n from t order by n")).toBe(a);
  });

  it("keeps at most 500 statements, dropping the least recently used", () => {
    db = new SQLite(":memory:");
    const cached = withStatementCache(db);
    const first = cached.prepare("select 0");
    for (let i = 1; i <= 500; i++) cached.prepare(`select ${i}`);
    expect(cached.prepare("select 500")).toBe(cached.prepare("select 500"));
    expect(cached.prepare("select 0")).not.toBe(first);
  });

  it("never keeps a long statement nor one with many parameters (multi-row inserts)", () => {
    db = new SQLite(":memory:");
    db.exec("create table t (n integer)");
    const cached = withStatementCache(db);
    const manyRows = `insert into t (n) values ${Array.from({ length: 101 }, () => "(?)").join(", ")}`;
    const first = cached.prepare(manyRows) as SQLite.Statement;
    const second = cached.prepare(manyRows) as SQLite.Statement;
    expect(second).not.toBe(first);
    first.run(...Array.from({ length: 101 }, (_, i) => i));
    expect(db.prepare("select count(*) as c from t").get()).toEqual({ c: 101 });
    const long = `select n from t where n = ? -- ${"x".repeat(2048)}`;
    expect(cached.prepare(long)).not.toBe(cached.prepare(long));
    const small = `insert into t (n) values ${Array.from({ length: 100 }, () => "(?)").join(", ")}`;
    expect(cached.prepare(small)).toBe(cached.prepare(small));
  });

  it("serves Kysely's queries, transactions and streams", async () => {
    db = new SQLite(":memory:");
    const k = new Kysely<{ t: { n: number } }>({ dialect: new SqliteDialect({ database: withStatementCache(db) }) });
    await sql`create table t (n integer)`.execute(k);
    for (let i = 0; i < 3; i++) {
      await k.transaction().execute((trx) => trx.insertInto("t").values({ n: i }).execute());
    }
    const streamed: number[] = [];
    for await (const r of k.selectFrom("t").select("n").orderBy("n").stream()) streamed.push(r.n);
    expect(streamed).toEqual([0, 1, 2]);
    expect(await k.selectFrom("t").select("n").orderBy("n").execute()).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    await k.destroy();
    expect(db.open).toBe(false);
  });
});
