import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { systemClock } from "../../common/clock.js";
import { createSecretBox } from "../../common/secret-box.js";
import { createStore } from "../store.js";
import { KEPT_COMMITS_PER_TEST } from "./test-deps-repo.js";

describe.each(await testDialects())("test dependencies repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("keeps the newest commits of each test file and answers the newest row per test file", async () => {
    tdb = await make();
    const s = createStore(tdb.database, systemClock, createSecretBox(randomBytes(32)));
    const p = await s.projects.create({ name: "lib", repoUrl: "/tmp/lib" });
    const other = await s.projects.create({ name: "other", repoUrl: "/tmp/other" });
    for (let i = 1; i <= 5; i++) {
      await s.testDeps.record(p.id, `c${i}`, "v8", new Map([["a.test.js", [`src/v${i}.js`, "src/a.js"]]]), i * 10);
    }
    await s.testDeps.record(p.id, "c2", "v8", new Map([["b.test.js", []]]), 20);
    await s.testDeps.record(p.id, "c5", "v8", new Map([["a.test.js", ["src/a.js", "src/z.js"]]]), 60);
    await s.testDeps.record(other.id, "c9", "v8", new Map([["a.test.js", ["x.js"]]]), 90);
    const latest = await s.testDeps.latest(p.id);
    expect(latest).toEqual([
      { testFile: "a.test.js", commitSha: "c5", source: "v8", files: ["src/a.js", "src/z.js"], recordedAt: 60 },
      { testFile: "b.test.js", commitSha: "c2", source: "v8", files: [], recordedAt: 20 },
    ]);
    const { count } = await tdb.database.db
      .selectFrom("test_dependencies")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where("project_id", "=", p.id)
      .where("test_file", "=", "a.test.js")
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(KEPT_COMMITS_PER_TEST);
  });
});
