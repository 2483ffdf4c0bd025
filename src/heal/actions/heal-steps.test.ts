import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo, gitIn } from "../../../test/support/git-repo.js";
import { anomalyData, firingAlertData } from "../../../test/support/signal-events.js";
import { startTestApp, type TestApp } from "../../../test/support/test-app.js";
import { BOT_USER, CI_CHECK } from "../../forge/index.js";
import type { Heal } from "../../store/repositories/heals-repo.js";
import type { HealContext } from "../heal-actions.js";
import { checkPullRequestCi, healPullRequest, mergePullRequest } from "./pull-request-steps.js";
import { errorSignature } from "../../diagnose/index.js";
import { verifyFix } from "./verify-fix.js";

describe("heal steps against the real forge and event log", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.dispose());

  const openIncident = async (service: string) => {
    const at = Date.now();
    const signal = { kind: "alert" as const, key: `fp-${service}`, service, status: "firing" as const, data: {}, at };
    return t.app.store.incidents.open({ title: "HighErrorRate", service, severity: "critical", at }, signal, []);
  };
  const contextFor = async (service: string, data: Record<string, unknown> = {}): Promise<HealContext> => {
    const incident = await openIncident(service);
    const created = await t.app.store.heals.create({
      incidentId: incident.id,
      service,
      policy: "deploy",
      detectedAt: incident.openedAt,
      at: Date.now(),
    });
    const heal: Heal = { ...created, data: { ...data } };
    return {
      heal,
      incident,
      signal: new AbortController().signal,
      progress: async (d) => {
        Object.assign(heal.data, d);
      },
    };
  };

  it("waits for the PR's CI check, then merges it as the bot; a merged PR stays merged", async () => {
    const forge = t.app.forge;
    await forge.createRepository("shop-cart", {
      fromPath: createRepo({ "cart.mjs": "export const total = (c) => c.items.length;\n" }),
    });
    const work = join(mkdtempSync(join(tmpdir(), "pitcrew-clone-")), "cart");
    execFileSync("git", ["clone", "--quiet", forge.cloneUrl("shop-cart"), work]);
    gitIn(work, "checkout", "--quiet", "-b", "pitcrew/fix-1");
    commitFiles(work, { "cart.mjs": "export const total = (c) => c?.items?.length ?? 0;\n" }, "Guard a missing cart");
    await forge.pushBranch("shop-cart", { branch: "pitcrew/fix-1", fromWorktree: work, actor: BOT_USER });
    const pr = await forge.openPullRequest({
      repo: "shop-cart",
      head: "pitcrew/fix-1",
      base: "main",
      title: "Guard a missing cart",
      author: BOT_USER,
    });
    const ctx = await contextFor("cart", { pr: { repo: "shop-cart", number: pr.number, url: "", title: pr.title } });

    expect((await checkPullRequestCi(forge, healPullRequest(ctx))).status).toBe("pending");
    await forge.setCheck(pr, { name: CI_CHECK, status: "failure", url: "/runs/9" });
    expect(await checkPullRequestCi(forge, healPullRequest(ctx))).toMatchObject({
      status: "failure",
      note: expect.stringContaining("/runs/9"),
    });
    await forge.setCheck(pr, { name: CI_CHECK, status: "success", url: "/runs/10" });
    expect((await checkPullRequestCi(forge, healPullRequest(ctx))).status).toBe("success");

    const merged = await mergePullRequest(forge, healPullRequest(ctx));
    expect(merged.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await mergePullRequest(forge, healPullRequest(ctx))).toMatchObject({ sha: merged.sha });
    expect((await forge.getPullRequest("shop-cart", pr.number)).mergedBy).toBe(BOT_USER);
    const noPr = await contextFor("nopr");
    expect(() => healPullRequest(noPr)).toThrow(/no pull request/);
  });

  it("reports healthy after a quiet window once the incident's alerts resolved", async () => {
    const ctx = await contextFor("pricing");
    const opts = { windowMs: 300, anomalyThreshold: 0.9 };
    expect((await verifyFix(t.app.store, t.app.clock, ctx, opts)).status).toBe("pending");
    await t.app.events.emit(
      "anomaly.detected",
      { kind: "series", key: "pricing/latency" },
      anomalyData("pricing", "latency", 0.3),
    ); // weak: ignored
    await t.app.events.emit("alert.firing", { kind: "alert", key: "other" }, firingAlertData("other", "X", "catalog")); // other service
    await new Promise((r) => setTimeout(r, 350));
    expect((await verifyFix(t.app.store, t.app.clock, ctx, opts)).status).toBe("pending"); // its alert still fires
    const [signal] = await t.app.store.incidents.signals(ctx.incident.id);
    await t.app.store.incidents.addSignal(
      ctx.incident.id,
      { ...signal!, status: "resolved" },
      { services: ["pricing"], severity: "critical", lastSignalAt: Date.now() },
      [],
    );
    expect(await verifyFix(t.app.store, t.app.clock, ctx, opts)).toMatchObject({ status: "healthy" });
  });

  it("reports a regression when the service's alert fires again after the fix shipped", async () => {
    const ctx = await contextFor("gateway");
    const opts = { windowMs: 60_000, anomalyThreshold: 0.9 };
    expect((await verifyFix(t.app.store, t.app.clock, ctx, opts)).status).toBe("pending");
    await t.app.events.emit(
      "alert.firing",
      { kind: "alert", key: "fp-gw" },
      firingAlertData("fp-gw", "HighLatency", "gateway"),
    );
    expect(await verifyFix(t.app.store, t.app.clock, ctx, opts)).toMatchObject({
      status: "regressed",
      note: expect.stringContaining("HighLatency on gateway"),
    });
  });

  it("does not count a caller's alert that joined the incident as a regression of the callee's fix", async () => {
    const ctx = await contextFor("cart");
    const opts = { windowMs: 60_000, anomalyThreshold: 0.9 };
    // the gateway's alert joined the cart's incident (the gateway calls the cart)
    ctx.incident = { ...ctx.incident, services: ["cart", "gateway"] };
    expect((await verifyFix(t.app.store, t.app.clock, ctx, opts)).status).toBe("pending");
    await t.app.events.emit(
      "alert.firing",
      { kind: "alert", key: "fp-gw-timeouts" },
      firingAlertData("fp-gw-timeouts", "HighErrorRate", "gateway"),
    );
    expect(await verifyFix(t.app.store, t.app.clock, ctx, opts)).toMatchObject({
      status: "pending",
      note: "watching cart for 60000 ms",
    });
    await t.app.events.emit(
      "alert.firing",
      { kind: "alert", key: "fp-cart-again" },
      firingAlertData("fp-cart-again", "HighErrorRate", "cart"),
    );
    expect(await verifyFix(t.app.store, t.app.clock, ctx, opts)).toMatchObject({
      status: "regressed",
      note: expect.stringContaining("HighErrorRate on cart"),
    });
  });

  it("is not healthy until every replica runs the fix, and regresses when the incident's own error comes back on it", async () => {
    // a real repository: the buggy commit, the fix merged on top, and a later commit
    const repo = createRepo({ "cart.mjs": "export const total = (c) => c.items.length;\n" });
    const buggy = gitIn(repo, "rev-parse", "HEAD");
    const fix = commitFiles(repo, { "cart.mjs": "export const total = (c) => c?.items?.length ?? 0;\n" }, "Guard");
    const later = commitFiles(repo, { "README.md": "cart\n" }, "docs");
    const running: { release: string; commit: string }[] = [];
    const replicasOf = async (_service: string, f: string) =>
      running.map((r) => {
        let hasFix = true;
        try {
          execFileSync("git", ["merge-base", "--is-ancestor", f, r.commit], { cwd: repo });
        } catch {
          hasFix = false;
        }
        return { ...r, hasFix };
      });
    const crash = (release: string) => ({
      at: Date.now(),
      service: "checkout",
      level: "error",
      message: "TypeError: Cannot read properties of undefined (reading 'length')\n    at total (cart.mjs:1:40)",
      traceId: null,
      spanId: null,
      attributes: { release },
      source: "file" as const,
    });
    const signature = errorSignature(crash("0")).key;
    const report = {
      hypotheses: [],
      summary: "",
      createdAt: 0,
      onset: {
        service: "checkout",
        signature,
        summary: "TypeError at cart.mjs:1",
        traced: true,
        at: 0,
        last: 0,
        count: 3,
      },
    };
    const ctx = await contextFor("checkout", { mergeCommit: fix, diagnosis: { report } });
    const opts = { windowMs: 200, anomalyThreshold: 0.9, replicasOf };
    const [signal] = await t.app.store.incidents.signals(ctx.incident.id);
    await t.app.store.incidents.addSignal(
      ctx.incident.id,
      { ...signal!, status: "resolved" },
      { services: ["checkout"], severity: "critical", lastSignalAt: Date.now() },
      [],
    );

    // the post-deploy watch rolled the fix back: every replica runs the buggy commit
    running.push({ release: "7", commit: buggy }, { release: "7", commit: buggy });
    expect(await verifyFix(t.app.store, t.app.clock, ctx, opts)).toMatchObject({
      status: "regressed",
      note: `the fix ${fix.slice(0, 8)} is not live: 2 replica(s) of release 7 run ${buggy.slice(0, 8)}`,
    });

    // half the replicas run the fix (a later commit that includes it): not healthy yet
    running.splice(0, 1, { release: "9", commit: later });
    await new Promise((r) => setTimeout(r, 250));
    expect(await verifyFix(t.app.store, t.app.clock, ctx, opts)).toMatchObject({
      status: "pending",
      note: expect.stringContaining("1 replica(s) of release 7 run"),
    });
    // the draining release still logs the incident's error: it does not count against the fix
    await t.app.store.logRecords.insertMany([crash("7")]);
    running.splice(1, 1, { release: "9", commit: later });
    expect(await verifyFix(t.app.store, t.app.clock, ctx, opts)).toMatchObject({ status: "healthy" });

    // the incident's own error logged by the release that runs the fix: the fix did not hold
    await t.app.store.logRecords.insertMany([crash("9")]);
    expect(await verifyFix(t.app.store, t.app.clock, ctx, opts)).toMatchObject({
      status: "regressed",
      note: "the incident's error (TypeError at cart.mjs:1) was logged again on release 9 1× after the fix shipped",
    });
  });
  it("proves the fix before the window ends from the requests its releases answered without the incident's error", async () => {
    const repo = createRepo({ "posts.js": "exports.name = (p) => p.user.name;\n" });
    const fix = commitFiles(repo, { "posts.js": "exports.name = (p) => p.user?.name;\n" }, "Guard a deleted user");
    const crash = (release: string, at: number) => ({
      at,
      service: "posts",
      level: "error",
      message: "TypeError: Cannot read properties of undefined (reading 'name')\n    at name (posts.js:1:38)",
      traceId: null,
      spanId: null,
      attributes: { release },
      source: "file" as const,
    });
    // the incident: 10 crashes of release 3 over 4 s
    const t0 = Date.now() - 60_000;
    await t.app.store.logRecords.insertMany(Array.from({ length: 10 }, (_, i) => crash("3", t0 + (i * 4000) / 9)));
    const signature = errorSignature(crash("3", t0)).key;
    const onset = {
      service: "posts",
      signature,
      summary: "TypeError at posts.js:1",
      traced: true,
      at: t0,
      last: t0 + 4000,
      count: 10,
      occurrences: 10,
    };
    const ctx = await contextFor("posts", {
      mergeCommit: fix,
      diagnosis: { report: { hypotheses: [], summary: "", createdAt: 0, onset } },
    });
    const [signal] = await t.app.store.incidents.signals(ctx.incident.id);
    await t.app.store.incidents.addSignal(
      ctx.incident.id,
      { ...signal!, status: "resolved" },
      { services: ["posts"], severity: "critical", lastSignalAt: Date.now() },
      [],
    );
    const served = { requests: 200, failed: 0, total: 1000, spanMs: 30_000 };
    const opts = {
      windowMs: 60_000,
      anomalyThreshold: 0.9,
      replicasOf: async () => [{ release: "9", commit: fix, hasFix: true, releasedAt: Date.now() - 20_000 }],
      servedBy: async () => ({ ...served }),
    };
    // (10 − 2√10) / 4 s ≈ 0.92 crashes/s at 33 requests/s: 2.8 % of requests, so 251 are needed
    expect(await verifyFix(t.app.store, t.app.clock, ctx, opts)).toMatchObject({ status: "pending" });
    served.requests = 300;
    served.failed = 4; // another failure on more than 1 % of them proves nothing
    expect(await verifyFix(t.app.store, t.app.clock, ctx, opts)).toMatchObject({ status: "pending" });
    served.failed = 0;
    expect(await verifyFix(t.app.store, t.app.clock, ctx, opts)).toMatchObject({
      status: "healthy",
      note: expect.stringContaining("release 9 (the fix, on every replica) answered 300 requests"),
      data: { proof: { served: 300, needed: 251 } },
    });
    // the fix's release logged the error during its canary, before the watch began: not fixed
    await t.app.store.logRecords.insertMany([crash("9", Date.now() - 10_000)]);
    expect(await verifyFix(t.app.store, t.app.clock, ctx, opts)).toMatchObject({
      status: "regressed",
      note: expect.stringContaining("on release 9 1×"),
    });
  });
});
