/**
 * The running jobs `GET /api/agents` shows: every open lease with the run and key of the job it
 * holds, read back from the real store (SQLite and PostgreSQL); ended leases are left out.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { createStore, type Store } from "../../src/store/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { plan } from "../support/test-history.js";

describe.each(await testDialects())("agents' running leases on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("lists open leases with their job's run and key, not ended ones", async () => {
    tdb = await make();
    const clock: Clock = { now: () => 1_000_000 };
    const s: Store = createStore(tdb.database, clock, createSecretBox(randomBytes(32)));
    const p = await s.projects.create({ name: "app", repoUrl: "/tmp/app" });
    const jobs = ["build", "lint"].map((key) => ({ ...plan.jobs[0]!, key, name: key }));
    const run = await s.runs.create({
      projectId: p.id,
      event: "push",
      branch: "main",
      commit: "a".repeat(40),
      plan: { ...plan, jobs },
      triggeredBy: "test",
    });
    const [build, lint] = await s.jobs.listForRun(run.id);
    const { info } = await s.tokens.create("agents", "agent");
    const agent = await s.agents.register(
      { name: "a1", tokenId: info.id, labels: ["linux"], capacity: { cpus: 2 }, concurrency: 2, version: "1" },
      clock.now(),
    );
    const held = await s.agents.openLease(agent.id, build!.id, 1, clock.now());
    const ended = await s.agents.openLease(agent.id, lint!.id, 1, clock.now());
    expect(await s.agents.endLease(ended.id, "finished", clock.now())).toBe(true);

    expect(await s.agents.runningLeases()).toEqual([{ ...held, runId: run.id, key: build!.key }]);
  });
});
