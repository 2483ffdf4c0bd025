/**
 * A service nobody here wrote, healed through `pitcrew serve` and the CLI: json-server 0.17.4
 * from the npm registry, seeded into a git repository on the forge's data dir, registered as a
 * project and a scraped service over the API, and put under steady traffic
 * (`test/support/outside-heal.ts`). Three faults of its own kinds arrive as ordinary commits:
 * a crash on part of the traffic must be healed by a merged change that is live on `main`'s head;
 * a bad release must be rolled back by the canary, and then reverted on `main` by pitcrew's own
 * pull request (the release reverter), merged when its CI passed. After each, `main`'s head is
 * live and answers without 5xx. Then a shift in traffic meets an old bug: a latent bug ships
 * healthy, and only a request shape nobody sent before (`GET /posts?_expand=user`) fails — the
 * heal must name the shift (`traffic_shift`, with the shape and its counts), not blame or roll
 * back the release, and go the fix path to a verified fix. The third fault (a bad config change) and the
 * MTTR figures are measured by `npm run bench:heal-outside` (speed targets are checked by
 * benchmarks, not by timing assertions).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUTSIDE_FAULTS, HAS_OUTSIDE_SERVICE, TRAFFIC_SHIFT_FAULT } from "../support/outside-service.js";
import { playTrafficShift } from "../support/outside-shift.js";
import { type OutsideSystem, playBadRelease, playCrash, startOutsideSystem } from "../support/outside-heal.js";
import { HAS_DIST } from "../support/serve-process.js";

const [crash, badRelease] = OUTSIDE_FAULTS;

describe.skipIf(!HAS_DIST || !HAS_OUTSIDE_SERVICE)("an outside service (json-server) under pitcrew serve", () => {
  let sys: OutsideSystem;
  beforeAll(async () => {
    sys = await startOutsideSystem();
  }, 300_000);
  afterAll(async () => {
    await sys?.stop();
  }, 60_000);

  it("heals a crash on part of the traffic with a merged change", async () => {
    const r = await playCrash(sys, crash!);
    console.info(`outside-result ${JSON.stringify(r)}`); // the figures (time to rollback, stages) in the output
    const story = `${JSON.stringify(r)}\n${sys.serve.output().slice(-4000)}`;
    expect(r.outcome, story).toBe("fixed");
    expect(r.path, story).toEqual(expect.arrayContaining(["pr_open", "merging", "resolved"]));
    expect(r.mainHealthy, story).toBe(true);
  }, 620_000); // its waits: the rollout 180 s, the heal 300 s, main healthy 120 s

  it("rolls back a bad release at the canary", async () => {
    const r = await playBadRelease(sys, badRelease!);
    console.info(`outside-result ${JSON.stringify(r)}`); // the figures (time to rollback, stages) in the output
    const story = `${JSON.stringify(r)}\n${sys.serve.output().slice(-4000)}`;
    expect(r.outcome, story).toBe("rolled-back");
    expect(r.note, story).toMatch(/analysis failed: judge-errors|deploy regression/);
    expect(r.revertPr, story).toMatch(/^jsonsrv#\d+$/);
    expect(r.mainFixedBy, story).toBe("pitcrew");
    expect(r.mainHealthy, story).toBe(true);
  }, 1_120_000); // its waits: the rollout 240 s, alert 25 s, the heal 300 s, the revert PR 300 s, main healthy 240 s

  it("heals errors that began with a new kind of request, with no release at the onset, by a fix", async () => {
    const r = await playTrafficShift(sys, TRAFFIC_SHIFT_FAULT);
    console.info(`outside-result ${JSON.stringify(r)}`); // the figures (time to rollback, stages) in the output
    const story = `${JSON.stringify(r)}\n${sys.serve.output().slice(-4000)}`;
    // the diagnosis names the shift with its counts; the crash's stack trace may lead (code_bug): the same fix path
    expect(["traffic_shift", "code_bug"], story).toContain(r.shift?.lead);
    expect(r.shift?.confidence, story).toBeGreaterThanOrEqual(0.5);
    expect(r.shift, story).toMatchObject({
      shape: "GET /posts ?_expand=str",
      change: "new",
      before: { requests: 0 },
      errorShare: 1,
    });
    expect(r.shift!.after!.errors, story).toBeGreaterThanOrEqual(3);
    expect(r.shift!.after!.requests, story).toBeGreaterThanOrEqual(r.shift!.after!.errors);
    // the release that shipped the bug served all traffic without it first: not blamed, not rolled back by
    // the heal (the post-deploy watch may take it out when the alert fires within its window)
    expect(
      r.shift!.deploys.every((d) => Number(d.split(":")[0]) < 0.5),
      story,
    ).toBe(true);
    expect(r.path, story).not.toContain("mitigating");
    expect(r.path, story).toEqual([
      "detected",
      "diagnosing",
      "repairing",
      "pr_open",
      "ci_running",
      "merging",
      "deploying",
      "verifying",
      "resolved",
    ]);
    expect(r.outcome, story).toBe("fixed");
    expect(r.mainHealthy, story).toBe(true);
  }, 820_000); // its waits: the rollout 180 s, settling 20 s, the heal 480 s, main healthy 120 s
});
