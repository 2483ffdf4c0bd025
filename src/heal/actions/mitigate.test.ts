import { describe, expect, it } from "vitest";
import type { Forge } from "../../forge/index.js";
import type { Store } from "../../store/index.js";
import type { Heal } from "../../store/repositories/heals-repo.js";
import type { Incident } from "../../store/repositories/incidents-repo.js";
import type { HealContext } from "../heal-actions.js";
import { type HealDelivery, serviceHealActions } from "./service-heal-actions.js";

describe("mitigating", () => {
  it("starts a rollback once, polls it, and starts it again when a restart cut it off", async () => {
    const started: string[] = [];
    const states: Record<string, Awaited<ReturnType<HealDelivery["status"]>>> = {};
    const delivery: HealDelivery = {
      recentDeploys: async () => [],
      startRollback: async () => {
        const handle = `rollout:${started.length + 1}`;
        started.push(handle);
        states[handle] = "running";
        return handle;
      },
      startDeploy: async () => "unused",
      replicasOf: async () => [],
      servedBy: async () => undefined,
      status: async (handle) => states[handle]!,
    };
    const actions = serviceHealActions({
      store: {} as Store,
      forge: {} as Forge,
      clock: { now: () => 0 },
      delivery,
      repairer: { repair: async () => ({ none: "unused" }) },
      verifyWindowMs: 1_000,
      anomalyThreshold: 0.9,
    });
    const data: Record<string, unknown> = {};
    const ctx: HealContext = {
      heal: { id: 1, service: "cart", data, attempts: 0 } as unknown as Heal,
      incident: { id: 4 } as Incident,
      signal: new AbortController().signal,
      progress: async (d) => void Object.assign(data, d),
    };
    expect(await actions.mitigate(ctx)).toMatchObject({ status: "pending" });
    expect(await actions.mitigate(ctx)).toMatchObject({ status: "pending" });
    expect(started).toEqual(["rollout:1"]); // resumed, not started twice
    states["rollout:1"] = "interrupted";
    expect(await actions.mitigate(ctx)).toMatchObject({ status: "pending", note: expect.stringMatching(/restart/) });
    expect(await actions.mitigate(ctx)).toMatchObject({ status: "pending" });
    expect(started).toEqual(["rollout:1", "rollout:2"]);
    states["rollout:2"] = "succeeded";
    expect(await actions.mitigate(ctx)).toMatchObject({ status: "done", data: { rolledBack: "rollout:2" } });
  });
});
