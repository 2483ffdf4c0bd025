import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../test/support/databases.js";
import { migrateToLatest, migrations } from "./migrate.js";

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

  it("a database with a migration this build does not know still goes through the Migrator, which refuses it", async () => {
    tdb = await make();
    const { db } = tdb.database;
    await sql`insert into kysely_migration (name, timestamp) values ('9999-from-a-newer-build', '2026-12-07T00:00:00.000Z')`.execute(
      db,
    );
    await expect(migrateToLatest(db)).rejects.toThrow(/9999-from-a-newer-build/);
  });
});
