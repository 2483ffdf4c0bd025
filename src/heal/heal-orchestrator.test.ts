import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../test/support/test-app.js";
import type { HealActions, HealContext, HealDiagnosis, Pending } from "./heal-actions.js";
import type { HealPolicy } from "./heal-machine.js";
import { type HealSettings, HealOrchestrator } from "./heal-orchestrator.js";

/** Actions whose answers a test scripts; records which ran, in order, with the heal's state. */
class ScriptedActions implements HealActions {
  calls: string[] = [];
  diagnosis: HealDiagnosis = { kind: "code_bug", confidence: 0.9, summary: "TypeError in cart.mjs:42" };
  ci: Array<"pending" | "success" | "failure"> = ["pending", "success"];
  deployments: Array<"pending" | "succeeded" | "rolled_back"> = ["pending", "succeeded"];
  verdicts: Array<"pending" | "healthy" | "regressed"> = ["healthy"];
  repairError: Error | undefined;
  prs = 0;

  async diagnose() {
    this.calls.push("diagnose");
    return this.diagnosis;
  }
  async mitigate(): Promise<Pending<"done">> {
    this.calls.push("mitigate");
    return { status: "done", note: "rolled back to release 3", data: { rolledBackTo: 3 } };
  }
  async repair(ctx: HealContext) {
    this.calls.push("repair");
    if (this.repairError) throw this.repairError;
    if (ctx.heal.data.openedPr === undefined) await ctx.progress({ openedPr: ++this.prs });
    const number = Number(ctx.heal.data.openedPr);
    return {
      pr: { repo: "shop", number, url: `local://shop/pulls/${number}`, title: "Guard cart" },
      note: `PR #${number}`,
    };
  }
  async checkCi(): Promise<Pending<"success" | "failure">> {
    this.calls.push("checkCi");
    const s = this.ci.shift() ?? "success";
    return s === "pending" ? { status: "pending" } : { status: s, note: `CI ${s}` };
  }
  async merge() {
    this.calls.push("merge");
    return { sha: "abc123", note: "merged PR" };
  }
  async deploy(): Promise<Pending<"succeeded" | "rolled_back">> {
    this.calls.push("deploy");
    const s = this.deployments.shift() ?? "succeeded";
    return s === "pending" ? { status: "pending" } : { status: s, note: `rollout ${s}` };
  }
  async verify(): Promise<Pending<"healthy" | "regressed">> {
    this.calls.push("verify");
    const s = this.verdicts.shift() ?? "healthy";
    return s === "pending" ? { status: "pending" } : { status: s, note: `service ${s}` };
  }
}

describe("heal orchestrator", () => {
  let t: TestApp;
  let actions: ScriptedActions;
  const settings = (over: Partial<HealSettings> = {}, policy: HealPolicy = "deploy"): HealSettings => ({
    policyFor: () => policy,
    maxAttempts: 2,
    timeouts: {},
    pollMs: 60_000,
    maxActionErrors: 3,
    ...over,
  });
  const orchestrator = (s = settings()) =>
    new HealOrchestrator({
      heals: t.app.store.heals,
      incidents: t.app.store.incidents,
      events: t.app.events,
      actions,
      clock: t.app.clock,
      log: t.app.log,
      settings: s,
    });
  const openIncident = async (service = "cart") => {
    const at = t.app.clock.now() - 5_000;
    const signal = { kind: "alert" as const, key: `k-${service}`, service, status: "firing" as const, data: {}, at };
    return t.app.store.incidents.open({ title: "HighErrorRate", service, severity: "critical", at }, signal, []);
  };
  /** Ticks until the heal of `incidentId` is final (or 30 ticks). */
  const settle = async (o: HealOrchestrator, incidentId: number) => {
    for (let i = 0; i < 30; i++) {
      await o.tick();
      const heal = await t.app.store.heals.findByIncident(incidentId);
      if (heal && ["resolved", "escalated", "failed"].includes(heal.state)) return heal;
    }
    return t.app.store.heals.findByIncident(incidentId);
  };
  const path = async (healId: number) => (await t.app.store.heals.timeline(healId)).map((e) => e.to);

  beforeEach(async () => {
    t = await startTestApp();
    actions = new ScriptedActions();
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("takes a code bug from detection to a verified fix and records MTTR", async () => {
    const incident = await openIncident();
    const o = orchestrator();
    await o.catchUp();
    const heal = await settle(o, incident.id);
    expect(heal?.state).toBe("resolved");
    expect(await path(heal!.id)).toEqual([
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
    expect(heal!.mttrMs).toBeGreaterThanOrEqual(5_000);
    expect(heal!.data).toMatchObject({ pr: { number: 1 }, mergeCommit: "abc123", diagnosis: { kind: "code_bug" } });
    const types = (await t.app.events.list({ limit: 100 })).map((e) => e.type);
    expect(types).toContain("heal.started");
    expect(types).toContain("heal.resolved");
  });

  it("moves a waiting heal on at the event it waits for, not at the next poll", async () => {
    const incident = await openIncident();
    const o = orchestrator(); // polls once a minute: only events move it within the test
    const stop = o.start(t.app.bus);
    try {
      const state = async () => (await t.app.store.heals.findByIncident(incident.id))?.state;
      await expect.poll(state, { timeout: 5_000 }).toBe("ci_running"); // the catch-up ran every ready state
      const pr = { repo: "shop", number: 1, head: "pitcrew/heal-1", headSha: "abc", base: "main" };
      await t.app.events.emit("pr.check", { kind: "pr", repo: "shop", number: 1 }, pr);
      await expect.poll(state, { timeout: 5_000 }).toBe("deploying"); // CI passed, merged, rollout pending
      await t.app.events.emit("pr.merged", { kind: "pr", repo: "shop", number: 1 }, pr);
      await expect.poll(state, { timeout: 5_000 }).toBe("resolved");
    } finally {
      stop();
    }
  });

  it("mitigates a deploy regression by rolling back before repairing", async () => {
    actions.diagnosis = { kind: "deploy_regression", confidence: 0.8, summary: "errors began with release 4" };
    const incident = await openIncident();
    const o = orchestrator();
    await o.catchUp();
    const heal = await settle(o, incident.id);
    expect((await path(heal!.id)).slice(0, 4)).toEqual(["detected", "diagnosing", "mitigating", "repairing"]);
    expect(heal!.state).toBe("resolved");
    expect(heal!.data.rolledBackTo).toBe(3);
    expect(actions.calls.indexOf("mitigate")).toBeLessThan(actions.calls.indexOf("repair"));
  });

  it("repairs again when CI fails, then escalates when the attempts are used up", async () => {
    actions.ci = ["failure", "failure"];
    const incident = await openIncident();
    const o = orchestrator();
    await o.catchUp();
    const heal = await settle(o, incident.id);
    expect(heal!.state).toBe("escalated");
    expect(heal!.attempts).toBe(2);
    expect(heal!.reason).toContain("CI failed");
    expect((await path(heal!.id)).filter((s) => s === "repairing")).toHaveLength(2);
  });

  it("goes back to repairing when the alert fires again after the fix shipped", async () => {
    actions.verdicts = ["pending", "regressed", "healthy"];
    const incident = await openIncident();
    const o = orchestrator();
    await o.catchUp();
    const heal = await settle(o, incident.id);
    const states = await path(heal!.id);
    expect(states).toContain("rolled_back");
    expect(states.at(-1)).toBe("resolved");
  });

  it("stops where the service's policy says and hands over with a reason", async () => {
    const incident = await openIncident();
    const o = orchestrator(settings({}, "pr"));
    await o.catchUp();
    const heal = await settle(o, incident.id);
    expect(heal!.state).toBe("escalated");
    expect(heal!.reason).toBe("policy pr");
    expect(actions.calls).not.toContain("merge");

    const other = await openIncident("pricing");
    const suggest = orchestrator(settings({}, "suggest"));
    await suggest.catchUp();
    const h2 = await settle(suggest, other.id);
    expect(await path(h2!.id)).toEqual(["detected", "diagnosing", "escalated"]);
  });

  it("escalates a heal stuck in a state past its timeout", async () => {
    actions.ci = Array(50).fill("pending");
    const incident = await openIncident();
    const o = orchestrator(settings({ timeouts: { ci_running: 0 } }));
    await o.catchUp();
    for (let i = 0; i < 6; i++) {
      await o.tick();
      await new Promise((r) => setTimeout(r, 5));
    }
    const heal = await t.app.store.heals.findByIncident(incident.id);
    expect(heal!.state).toBe("escalated");
    expect(heal!.reason).toBe("timeout in ci_running");
  });

  it("fails a heal whose action keeps throwing, keeping the error", async () => {
    actions.repairError = new Error("forge unreachable");
    const incident = await openIncident();
    const o = orchestrator();
    await o.catchUp();
    const heal = await settle(o, incident.id);
    expect(heal!.state).toBe("failed");
    expect(heal!.reason).toBe("forge unreachable");
    expect(actions.calls.filter((c) => c === "repair")).toHaveLength(3);
    // the cause went away: a retry takes the failed heal to the end, and the timeline says why it had failed
    actions.repairError = undefined;
    const retried = await o.retry(heal!.id, "alice");
    expect(retried).toMatchObject({ state: "diagnosing", reason: null });
    const done = await settle(o, incident.id);
    expect(done!.state).toBe("resolved");
    const timeline = await t.app.store.heals.timeline(heal!.id);
    expect(timeline.map((e) => e.note)).toContain("retried by alice (it was failed: forge unreachable)");
  });

  it("resumes after a restart from the persisted state without redoing finished work", async () => {
    const incident = await openIncident();
    const first = orchestrator();
    await first.catchUp();
    await first.tick(); // detected → diagnosing → repairing → pr_open → ci_running, where CI is pending
    const before = await t.app.store.heals.findByIncident(incident.id);
    expect(before!.state).toBe("ci_running");
    expect(await path(before!.id)).toEqual(["detected", "diagnosing", "repairing", "pr_open", "ci_running"]);
    // a new orchestrator (as after kill -9) finds the heal and finishes it; the PR is not reopened
    const second = orchestrator();
    await second.catchUp();
    const heal = await settle(second, incident.id);
    expect(heal!.state).toBe("resolved");
    expect(actions.prs).toBe(1);
    expect(actions.calls.filter((c) => c === "diagnose")).toHaveLength(1);
  });

  it("lets an operator retry an escalated heal, and refuses transitions the machine forbids", async () => {
    actions.diagnosis = { kind: "unknown", confidence: 0.2, summary: "no stack trace, no recent deploy" };
    const incident = await openIncident();
    const o = orchestrator();
    await o.catchUp();
    const heal = await settle(o, incident.id);
    expect(heal!.state).toBe("escalated");
    actions.diagnosis = { kind: "config", confidence: 0.7, summary: "timeouts at 50 ms" };
    const retried = await o.retry(heal!.id, "alice");
    expect(retried.state).toBe("diagnosing");
    const done = await settle(o, incident.id);
    expect(done!.state).toBe("resolved");
    await expect(o.retry(done!.id, "alice")).rejects.toThrow(/resolved; it cannot become diagnosing/);
  });
});
