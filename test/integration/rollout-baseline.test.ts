/**
 * A rollout's baseline is the release live when the rollout is recorded, checked in the store's
 * transaction (SQLite and PostgreSQL). The outside bench met the race this guards: a pipeline
 * deploy read the live release, a post-deploy watch's rollback made another release live during
 * the deploy's checkout, and the deploy's canary was recorded over the release just taken out of
 * traffic — its first `setWeight` failed ("release 4 has weight but no upstreams") and it ended
 * `rolled_back` in 0.9 s with no analysis, so no revert followed and `main` was left on the bad
 * commit.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../src/common/clock.js";
import { ConflictError } from "../../src/common/errors.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { createStore, type Store } from "../../src/store/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";

describe.each(await testDialects())("a rollout's baseline on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  const setup = async () => {
    tdb = await make();
    const clock: Clock = { now: () => Date.now() };
    const s: Store = createStore(tdb.database, clock, createSecretBox(randomBytes(32)));
    const release = (commit: string) =>
      s.releases.create({
        project: "web",
        environment: "production",
        runId: null,
        commit: commit.repeat(40),
        specOf: () => ({
          command: ["true"],
          env: {},
          cwd: "/tmp",
          replicas: 1,
          health: { readinessPath: "/", livenessPath: "/" },
        }),
        triggeredBy: "test",
        reason: "test",
        at: Date.now(),
      });
    const rollout = (releaseId: number, baselineReleaseId: number | null, kind = "canary") =>
      s.rollouts.create({
        project: "web",
        environment: "production",
        releaseId,
        baselineReleaseId,
        kind,
        strategy: {},
        at: Date.now(),
      });
    return { s, release, rollout };
  };

  it("refuses a baseline that a rollback took out of traffic meanwhile, and records one over the release live now", async () => {
    const { s, release, rollout } = await setup();
    const good = await release("a");
    await s.releases.setStatus(good.id, "live", Date.now());
    const fix = await release("b");
    await s.releases.setStatus(fix.id, "live", Date.now());
    await s.releases.setStatus(good.id, "superseded", Date.now());
    // the next deploy reads the live release (the fix) and starts checking out…
    const next = await release("c");
    // …while the post-deploy watch rolls the fix back: a new release of the good commit goes live
    const again = await release("a");
    const back = await rollout(again.id, fix.id, "rollback");
    await s.releases.setStatus(again.id, "live", Date.now());
    await s.releases.setStatus(fix.id, "rolled_back", Date.now());
    await s.rollouts.transition(back.id, ["progressing"], "succeeded", "live", Date.now());

    const stale = rollout(next.id, fix.id);
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toThrow(
      `web in production: the rollout's baseline is release ${fix.id} but release ${again.id} is live (the live release changed meanwhile)`,
    );
    expect((await s.rollouts.active()).length).toBe(0);
    const ok = await rollout(next.id, again.id);
    expect(ok).toMatchObject({ releaseId: next.id, baselineReleaseId: again.id, state: "progressing" });
  });

  it("refuses a baseline where nothing is live, and no baseline where a release is live", async () => {
    const { s, release, rollout } = await setup();
    const first = await release("a");
    await expect(rollout(first.id, 999)).rejects.toThrow(
      "the rollout's baseline is release 999 but nothing is live (the live release changed meanwhile)",
    );
    await s.releases.setStatus(first.id, "live", Date.now());
    const second = await release("b");
    await expect(rollout(second.id, null)).rejects.toThrow(
      `the rollout's baseline is no release but release ${first.id} is live`,
    );
  });
});
