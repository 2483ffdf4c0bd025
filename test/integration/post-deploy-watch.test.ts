/**
 * The post-deploy watch after a canary the judge passed against its fresh baseline: the machine
 * gets slower for every release alike (another workload; here `$SLOW_FILE`, read by each replica
 * on every request) between the previous release's requests and the new one's. The canary,
 * judged against replicas of the live release started with it, passes; the watch must not then
 * judge the new release's latency against the previous release's older, faster requests and roll
 * it back. The outside bench met it: the heal's fix went live, and the watch rolled it back 10 s
 * later on "median latency 1.7× baseline (12 ms vs 7.4 ms)" while the machine's load rose from 4
 * to 14. The watch still judges the error rate: a release that starts failing once its canary
 * passed (`$FAIL_FILE`) is rolled back. Its alerts are those of the registered service that ships
 * the project, whatever its name; and of two rollbacks that meet, the one the store refuses leaves
 * its release `failed`. Real pipeline runs of a real repository, real replica processes behind the
 * built-in router.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveringApp } from "../../src/app/app.js";
import { startDelivery } from "../../src/app/delivery.js";
import { ConflictError } from "../../src/common/errors.js";
import { labelsFingerprint } from "../../src/observe/index.js";
import { triggerRun } from "../../src/runner/index.js";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const SERVICE = readFileSync(new URL("../fixtures/deploy/service.mjs", import.meta.url), "utf8");
const PIPELINE = "name: ci\non: { manual: {} }\njobs:\n  test:\n    steps:\n      - run: node --check service.mjs\n";
const MANIFEST = "start: [node, service.mjs]\nreplicas: 1\nhealth: { readiness: /readyz, liveness: /healthz }\n";
const CANARY = {
  canary: {
    steps: [{ setWeight: 50 }, { analysis: { interval: "1s", count: 4, failureLimit: 1, inconclusiveLimit: 4 } }],
  },
};
const WATCH_MS = 6_000;

describe("the post-deploy watch after a canary judged against a fresh baseline", () => {
  let t: TestApp<DeliveringApp>;
  let stop: () => Promise<void>;
  let repo: string;
  let projectId: number;
  let running = true;
  let loops: Promise<void>[] = [];
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-slow-"));
  const slowFile = join(dir, "slow-ms");
  const failFile = join(dir, "fail");

  const runOf = async (version: string, behaviour: Record<string, unknown> = {}) => {
    const commit = commitFiles(
      repo,
      { "behaviour.json": JSON.stringify({ version, ...behaviour }) },
      `ship ${version}`,
    );
    const res = await triggerRun(t.app.runner, projectId, { event: "manual", commit, triggeredBy: "test" });
    expect(await t.waitForRun(res.run!.id)).toBe("success");
    return res.run!.id;
  };
  /** Deploys `version`; `during` runs once its canary's analysis has begun (the live release then has no traffic). */
  const deploy = async (version: string, during?: () => void, behaviour?: Record<string, unknown>) => {
    const { rollout } = await t.app.delivery.deploy({
      project: "web",
      environment: "production",
      runId: await runOf(version, behaviour),
      by: "test",
      reason: version,
    });
    if (during) {
      const end = Date.now() + 60_000;
      const analysing = async () =>
        (await t.app.delivery.rollout(rollout.id)).steps.some((s) => s.kind === "analysis" && s.status === "running");
      while (!(await analysing()) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      during();
    }
    return { rollout, state: await t.app.delivery.wait(rollout.id) };
  };

  beforeAll(async () => {
    writeFileSync(slowFile, "0");
    t = await startTestApp({
      configure: (c) => {
        c.environments = [
          {
            name: "production",
            router: "builtin",
            watch: WATCH_MS,
            strategy: CANARY,
            env: { SLOW_FILE: slowFile, FAIL_FILE: failFile },
          },
        ];
      },
      delivery: { drainMs: 1_000 },
    });
    repo = createRepo({
      "service.mjs": SERVICE,
      "behaviour.json": JSON.stringify({ version: "v0" }),
      ".pitcrew/pipeline.yaml": PIPELINE,
      ".pitcrew/deploy.yaml": MANIFEST,
    });
    projectId = (await t.app.store.projects.create({ name: "web", repoUrl: repo, defaultBranch: "main" })).id;
    stop = await startDelivery(t.app);
    loops = Array.from({ length: 4 }, async () => {
      while (running) {
        const url = t.app.delivery.urlOf("web", "production");
        if (!url) await new Promise((r) => setTimeout(r, 20));
        else
          await fetch(`${url}/`).then(
            (r) => r.text(),
            () => "",
          );
      }
    });
  }, 120_000);
  afterAll(async () => {
    running = false;
    await Promise.all(loops);
    await stop?.();
    await t?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps a release the canary passed live when the machine, not the release, got slower", async () => {
    const first = await deploy("v1");
    expect(first.state).toBe("succeeded");
    await new Promise((r) => setTimeout(r, 2_000)); // v1 answers quickly for a while
    // at 50 % the canary and its fresh baseline share the traffic; then every process on the
    // machine gets 40 ms slower
    const second = await deploy("v2", () => writeFileSync(slowFile, "40"));
    expect(second.state).toBe("succeeded");
    const watched = await waitForEvent(t, `release:${second.rollout.releaseId}`, "release.watched", WATCH_MS + 30_000);
    expect(watched).toMatchObject({ verdict: "healthy" });
    // judged on the error rate alone: the canary's latency was judged at the same time as its baseline
    expect(watched?.reason).toMatch(/error rate/);
    expect(watched?.reason).not.toMatch(/latency/);
    expect((await t.app.store.releases.live("web", "production"))?.id).toBe(second.rollout.releaseId);
    expect((await t.app.store.rollouts.active()).length).toBe(0);
  }, 180_000);

  it("rolls back a release that passed its canary and then fails every request", async () => {
    const before = await t.app.store.releases.live("web", "production");
    const third = await deploy("v3", undefined, { failLater: true });
    expect(third.state).toBe("succeeded");
    writeFileSync(failFile, "1"); // from now on v3 answers every request with a 500
    try {
      const watched = await waitForEvent(t, `release:${third.rollout.releaseId}`, "release.watched", WATCH_MS + 30_000);
      expect(watched).toMatchObject({ verdict: "regressed" });
      expect(watched?.reason).toMatch(/^error rate \d+(\.\d)? % vs \d+(\.\d)? % baseline, p < 0\.001/);
      await waitForLive(t, (live) => live.id !== third.rollout.releaseId, 60_000);
      const live = await t.app.store.releases.live("web", "production");
      expect(live?.commit).toBe(before?.commit);
      expect((await t.app.store.releases.get(third.rollout.releaseId))?.status).toBe("rolled_back");
    } finally {
      rmSync(failFile, { force: true });
    }
  }, 180_000);

  it("watches the alerts of the registered service that ships the project, named differently", async () => {
    await t.app.store.services.upsert({
      name: "storefront",
      environment: "production",
      metricsUrl: null,
      scrapeIntervalMs: 15_000,
      logSource: null,
      repository: "web",
      repoPath: null,
    });
    const fourth = await deploy("v4");
    expect(fourth.state).toBe("succeeded");
    const subject = `release:${fourth.rollout.releaseId}`;
    const labels = { alertname: "StorefrontDown", service: "storefront", severity: "critical" };
    const alert = (status: "firing" | "resolved") => ({
      fingerprint: labelsFingerprint(labels),
      name: "StorefrontDown",
      status,
      source: "pitcrew-rules" as const,
      labels,
      annotations: {},
      value: null,
      activeAt: Date.now(),
      startsAt: Date.now(),
      endsAt: status === "resolved" ? Date.now() : null,
      updatedAt: Date.now(),
    });
    // fires (again) until the watch has a verdict: the watch subscribes once the rollout succeeded
    const end = Date.now() + WATCH_MS + 30_000;
    let watched: Record<string, unknown> | undefined;
    while (!watched && Date.now() < end) {
      await t.app.observation.alerts.record([alert("firing")]);
      await new Promise((r) => setTimeout(r, 500));
      await t.app.observation.alerts.record([alert("resolved")]);
      watched = (await t.app.store.events.list({ subjectPrefix: subject })).find((e) => e.type === "release.watched")
        ?.data as Record<string, unknown> | undefined;
    }
    expect(watched).toMatchObject({ verdict: "regressed" });
    expect(watched?.reason).toMatch(/alert StorefrontDown on storefront .*after release/);
    await waitForLive(t, (live) => live.id !== fourth.rollout.releaseId, 60_000);
  }, 180_000);

  it("marks failed the release of a rollback the store refuses when two rollbacks meet", async () => {
    const live = await t.app.store.releases.live("web", "production");
    const request = { project: "web", environment: "production", by: "test", reason: "two at once" };
    const results = await Promise.allSettled([t.app.delivery.rollback(request), t.app.delivery.rollback(request)]);
    const done = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(done.length).toBe(1);
    expect(refused.length).toBe(1);
    expect(refused[0]).toBeInstanceOf(ConflictError);
    expect(await t.app.delivery.wait(done[0]!.rollout.id)).toBe("succeeded");
    const created = (await t.app.store.releases.list({ project: "web", environment: "production", limit: 10 })).filter(
      (r) => r.id > live!.id,
    );
    expect(created.map((r) => r.status).sort()).toEqual(["failed", "live"]);
    expect(created.find((r) => r.status === "live")?.id).toBe(done[0]!.rollout.releaseId);
  }, 120_000);
});

/** Waits until the live release of web in production satisfies `ok`. */
async function waitForLive(t: TestApp<DeliveringApp>, ok: (live: { id: number }) => boolean, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const live = await t.app.store.releases.live("web", "production");
    if (live && ok(live) && (await t.app.store.rollouts.active()).length === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`web in production did not get the expected live release within ${ms} ms`);
}

/** The data of the first `type` event on `subject`, once there is one. */
async function waitForEvent(t: TestApp<DeliveringApp>, subject: string, type: string, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const e = (await t.app.store.events.list({ subjectPrefix: subject })).find((x) => x.type === type);
    if (e) return e.data;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${type} on ${subject} within ${ms} ms`);
}
