import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureMirror, mirrorDir, type RunnerDeps } from "../../runner/index.js";
import { createSqliteTestDatabase, type TestDatabase } from "../../../test/support/databases.js";
import { deployStore } from "../../../test/support/deploy-store.js";
import { commitFiles, createRepo, gitIn } from "../../../test/support/git-repo.js";
import { healDeliveryOf } from "./heal-delivery.js";

/**
 * Shipping a fix (`ship:` handles): the heal leaves a fix to the pipeline's pending deploy, and
 * follows a newer run that carries the fix rather than deploying the fix over it.
 */
describe("heal delivery: shipping a fix", () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const done of cleanup.splice(0)) await done();
  });

  /** A project whose main has the commits `before` → `fix` → `after`, mirrored; runs of each. */
  const setUp = async () => {
    const repo = createRepo({ "app.txt": "before" });
    const before = gitIn(repo, "rev-parse", "HEAD");
    const fix = commitFiles(repo, { "app.txt": "fixed" }, "fix");
    const after = commitFiles(repo, { "other.txt": "more" }, "after the fix");
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-heal-ship-"));
    const tdb: TestDatabase = await createSqliteTestDatabase();
    cleanup.push(
      () => tdb.dispose(),
      () => rmSync(dataDir, { recursive: true, force: true }),
    );
    cleanup.push(() => rmSync(repo, { recursive: true, force: true }));
    const t = await deployStore(tdb, repo);
    await ensureMirror(repo, mirrorDir(dataDir, t.project.id));
    const F = await t.run(fix);
    // past the grace the pipeline's deploy stage gets before the heal ships the fix itself
    const runner = { store: t.store, dataDir, clock: { now: () => Date.now() + 60_000 } } as unknown as RunnerDeps;
    const heal = healDeliveryOf(runner, t.delivery);
    const status = () => heal.status(`ship:web:production:${F.id}`);
    return { ...t, F, before, after, status };
  };

  it("waits while the fix's run is the pipeline's pending deploy", async () => {
    const t = await setUp();
    await t.store.pendingDeploys.record(
      { ...t.where, runId: t.F.id, runNumber: t.F.number, commit: t.F.commit, waiting: "waits for rollout 1" },
      Date.now(),
    );
    expect(await t.status()).toBe("running");
    expect(t.deployed).toEqual([]);
  });

  it("follows a newer run carrying the fix that went live, never deploying the fix over it", async () => {
    const t = await setUp();
    const G = await t.run(t.after);
    await t.end((await t.launch(G.id)).rollout, "succeeded");
    expect(await t.status()).toBe("succeeded");
    expect(t.deployed).toEqual([]);
  });

  it("waits for a newer run carrying the fix that is the pending deploy", async () => {
    const t = await setUp();
    const G = await t.run(t.after);
    await t.store.pendingDeploys.record(
      { ...t.where, runId: G.id, runNumber: G.number, commit: G.commit, waiting: "waits for rollout 1" },
      Date.now(),
    );
    expect(await t.status()).toBe("running");
    expect(t.deployed).toEqual([]);
  });

  it("ships the fix over a newer run that does not carry it", async () => {
    const t = await setUp();
    const old = await t.run(t.before); // a newer run of an older commit
    await t.end((await t.launch(old.id)).rollout, "succeeded");
    expect(await t.status()).toBe("running");
    expect(t.deployed).toEqual([t.F.id]);
  });
});
