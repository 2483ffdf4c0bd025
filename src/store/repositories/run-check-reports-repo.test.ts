import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import type { Clock } from "../../common/clock.js";
import type { Plan } from "../../common/plan.js";
import { createSecretBox } from "../../common/secret-box.js";
import { createStore } from "../store.js";

const plan: Plan = { name: "ci", env: {}, jobs: [], gates: {} };

describe.each(await testDialects())("run check reports repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("lists finished runs of the given projects in the window whose check was never recorded completed, newest first", async () => {
    tdb = await make();
    let now = 1_000_000;
    const clock: Clock = { now: () => now };
    const s = createStore(tdb.database, clock, createSecretBox(randomBytes(32)));
    const p = await s.projects.create({ name: "lib", repoUrl: "/tmp/lib" });
    const other = await s.projects.create({ name: "other", repoUrl: "/tmp/other" });
    const run = async (projectId: number, status: "success" | "failure" | "queued", at: number) => {
      now = at;
      const common = { event: "push" as const, branch: "main", commit: "a".repeat(40), plan, triggeredBy: "t" };
      return (await s.runs.create({ projectId, ...common, ...(status === "queued" ? {} : { status }) })).id;
    };
    const old = await run(p.id, "failure", 1_000);
    const done = await run(p.id, "success", 2_000);
    const halfway = await run(p.id, "failure", 3_000);
    const never = await run(p.id, "success", 4_000);
    await run(p.id, "queued", 5_000);
    await run(other.id, "failure", 6_000);
    await s.runCheckReports.record(done, "completed", 2_100);
    await s.runCheckReports.record(halfway, "queued", 3_000);
    await s.runCheckReports.record(halfway, "in_progress", 3_050);
    expect(await s.runCheckReports.get(halfway)).toBe("in_progress");
    expect(await s.runCheckReports.unreportedFinished(1_500, 10, [p.id])).toEqual([never, halfway]);
    expect(await s.runCheckReports.unreportedFinished(0, 1, [p.id])).toEqual([never]);
    expect(await s.runCheckReports.unreportedFinished(0, 10, [p.id])).toContain(old);
    expect(await s.runCheckReports.unreportedFinished(0, 10, [])).toEqual([]);
  });
});
