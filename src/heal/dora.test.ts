import { describe, expect, it } from "vitest";
import type { Heal } from "../store/repositories/heals-repo.js";
import { doraFigures, median } from "./dora.js";

const DAY = 86_400_000;
const heal = (over: Partial<Heal>): Heal => ({
  id: 1,
  incidentId: 1,
  service: "cart",
  state: "resolved",
  policy: "deploy",
  kind: "code_bug",
  attempts: 1,
  version: 5,
  data: {},
  reason: null,
  detectedAt: 0,
  stateSince: 0,
  resolvedAt: 10 * DAY,
  mttrMs: 40_000,
  createdAt: 10 * DAY,
  updatedAt: 10 * DAY,
  ...over,
});

describe("DORA figures", () => {
  it("counts deployments, failures and restore times inside the window only", () => {
    const now = 30 * DAY;
    const since = now - 7 * DAY;
    const deployments = [
      { service: "cart", environment: "production", at: now - DAY, failed: false },
      { service: "cart", environment: "production", at: now - 2 * DAY, failed: true },
      { service: "pricing", environment: "production", at: now - 3 * DAY, failed: false },
      { service: "pricing", environment: "production", at: now - 3 * DAY, failed: false },
      { service: "cart", environment: "production", at: now - 20 * DAY, failed: true }, // outside
    ];
    const heals = [
      heal({ id: 1, resolvedAt: now - DAY, createdAt: now - DAY, mttrMs: 30_000 }),
      heal({ id: 2, resolvedAt: now - DAY, createdAt: now - DAY, mttrMs: 50_000, service: "pricing" }),
      heal({ id: 3, state: "escalated", resolvedAt: null, mttrMs: null, createdAt: now - DAY }),
      heal({ id: 4, resolvedAt: now - 20 * DAY, createdAt: now - 20 * DAY, mttrMs: 1 }), // outside
    ];
    const f = doraFigures(deployments, heals, since, now);
    expect(f).toMatchObject({
      windowDays: 7,
      deployments: 4,
      deploymentsPerDay: 0.57,
      changeFailureRate: 0.25,
      timeToRestore: { count: 2, medianMs: 40_000, maxMs: 50_000 },
      heals: { resolved: 2, escalated: 1, failed: 0, active: 0 },
    });
    expect(f.byService).toEqual([
      { service: "cart", deployments: 2, failedDeployments: 1, medianRestoreMs: 30_000 },
      { service: "pricing", deployments: 2, failedDeployments: 0, medianRestoreMs: 50_000 },
    ]);
  });

  it("reports nulls, not zeros, when there is nothing to measure", () => {
    const f = doraFigures([], [], 0, DAY);
    expect(f.changeFailureRate).toBeNull();
    expect(f.timeToRestore).toEqual({ count: 0, medianMs: null, maxMs: null });
    expect(median([3, 1, 2])).toBe(2);
  });
});
