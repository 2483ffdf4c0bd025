import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../test/support/databases.js";
import { migrateToLatest, migrations } from "./migrate.js";

/**
 * Migrations that have landed on a release of main: a database may hold exactly these. Kysely's
 * Migrator refuses a database whose applied migrations are not a prefix of the known ones in name
 * order, so a new migration must sort after every name here (append it here once it lands).
 */
const LANDED = "0041-test-selections";

describe("migration names", () => {
  it("a migration that has not landed sorts after every landed one, and the list is in name order", () => {
    const names = Object.keys(migrations);
    expect(names).toEqual([...names].sort());
    expect(names).toContain(LANDED);
    const landed = names.slice(0, names.indexOf(LANDED) + 1);
    for (const later of names.slice(landed.length)) expect(later > LANDED).toBe(true);
  });
});

describe.each(await testDialects())("migrations on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("an up-to-date database applies nothing and keeps its migration rows", async () => {
    tdb = await make(); // migrated to latest by the fixture
    const { db } = tdb.database;
    expect(await migrateToLatest(db)).toEqual([]);
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    expect(rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
  });

  it("a database migrated by the last landed build upgrades to this one", async () => {
    tdb = await make();
    const { db } = tdb.database;
    const names = Object.keys(migrations);
    const newer = names.slice(names.indexOf(LANDED) + 1);
    // roll this build's own migrations back, as if the database came from the landed build
    for (const name of [...newer].reverse()) {
      await migrations[name]!.down?.(db);
      await sql`delete from kysely_migration where name = ${name}`.execute(db);
    }
    expect(await migrateToLatest(db)).toEqual(newer);
  });

  it("a database with a migration this build does not know still goes through the Migrator, which refuses it", async () => {
    tdb = await make();
    const { db } = tdb.database;
    await sql`insert into kysely_migration (name, timestamp) values ('9999-from-a-newer-build', '2026-12-07T00:00:00.000Z')`.execute(
      db,
    );
    await expect(migrateToLatest(db)).rejects.toThrow(/9999-from-a-newer-build/);
  });
});
