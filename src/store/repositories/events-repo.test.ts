import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { EventsRepo } from "./events-repo.js";

describe.each(await testDialects())("events repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("reads the newest events of many subjects first, past a query's subjects, and returns them oldest first", async () => {
    tdb = await make();
    const repo = new EventsRepo(tdb.database.db);
    const add = (subject: string, n: number) => repo.append({ type: "t.e", subject, data: { n }, at: n });
    // the oldest events are about the first subjects asked for, the newest about ones past the first query
    await add("run:0", 1);
    await add("run:1", 2);
    await add("other:600", 3);
    await add("run:600", 4);
    await add("run:550", 5);
    await repo.append({ type: "t.other", subject: "run:600", data: {}, at: 6 });
    const subjects = Array.from({ length: 700 }, (_, i) => `run:${i}`);
    const newest = await repo.ofSubjects("t.e", subjects, 2);
    expect(newest.map((e) => e.data)).toEqual([{ n: 4 }, { n: 5 }]);
    const all = await repo.ofSubjects("t.e", subjects);
    expect(all.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }, { n: 5 }]);
  });
});
