import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../test/support/databases.js";
import { storeRunOutcomes } from "../../test/support/test-history.js";
import { systemClock } from "../common/clock.js";
import { createSecretBox } from "../common/secret-box.js";
import { createStore } from "../store/index.js";
import { flakyTests } from "./flakiness.js";
import { withOutsideChange } from "./outside-change-evidence.js";
import { historyFromRows } from "./stored-history.js";

describe.each(await testDialects())("failures outside the change as flaky evidence on %s", (_n, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("counts only failures the runs read stored, never sets flaky, and ignores the runs left out (a pull request's)", async () => {
    tdb = await make();
    const s = createStore(tdb.database, systemClock, createSecretBox(randomBytes(32)));
    const p = await s.projects.create({ name: "demo", repoUrl: "/nowhere" });
    const outside = (runId: number, jobId: number, ids: string[]) =>
      s.events.append({
        type: "tests.outside_change",
        subject: `run:${runId}`,
        data: {
          runId,
          jobId,
          key: "test",
          attempt: 1,
          failures: ids.map((id) => ({ id, file: "t/a.js", why: "none" })),
        },
        at: Date.now(),
      });
    const green = await storeRunOutcomes(s, p.id, "a".repeat(40), [{ "t.a": false, "t.b": false }]);
    const red = await storeRunOutcomes(s, p.id, "b".repeat(40), [{ "t.a": true, "t.b": false }]);
    const [redJob] = await s.jobs.listForRun(red.id);
    // t.b passed in that run: an event naming it is not evidence
    await outside(red.id, redJob!.id, ["t.a", "t.b"]);
    const pr = await storeRunOutcomes(s, p.id, "c".repeat(40), [{ "t.b": true }], undefined, undefined, "pull_request");
    const [prJob] = await s.jobs.listForRun(pr.id);
    await outside(pr.id, prJob!.id, ["t.b"]);

    const protectedRows = await s.reports.projectHistory(p.id, { trusts: ["protected"] });
    const list = await withOutsideChange(s, flakyTests(historyFromRows(protectedRows)), protectedRows);
    expect(list).toEqual([
      {
        id: "t.a",
        score: 0,
        flaky: false,
        runs: 2,
        failures: 1,
        mixedRuns: 0,
        blips: 0,
        outsideChange: 1,
        evidence: [`run ${red.id} (bbbbbbb, main): failed outside the change (none)`],
      },
    ]);
    expect(green.id).toBeLessThan(red.id);

    // with every run read, the pull request's failure counts as evidence, still not as flaky
    const all = await s.reports.projectHistory(p.id);
    const everything = await withOutsideChange(s, flakyTests(historyFromRows(all)), all);
    expect(everything.find((t) => t.id === "t.b")).toMatchObject({ flaky: false, outsideChange: 1 });
  });
});
