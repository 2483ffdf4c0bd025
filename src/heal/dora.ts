/**
 * DORA-style delivery figures over a time window: deployment frequency, change failure rate and
 * time to restore service, from deployments (production rollouts) and heals (incident → healthy).
 */
import type { Heal } from "../store/index.js";

/** One finished deployment, as the delivery history records it. */
export interface DeploymentRecord {
  service: string;
  environment: string;
  at: number;
  /** `failed`: rolled back, or an incident of the service opened within the watch window after it. */
  failed: boolean;
}

/** The figures the API returns. */
export interface DoraFigures {
  windowDays: number;
  deployments: number;
  deploymentsPerDay: number;
  /** Share of deployments that failed, null without deployments. */
  changeFailureRate: number | null;
  /** Alert-to-verified-healthy of the heals resolved in the window (ms). */
  timeToRestore: { count: number; medianMs: number | null; maxMs: number | null };
  heals: { resolved: number; escalated: number; failed: number; active: number };
  byService: Array<{ service: string; deployments: number; failedDeployments: number; medianRestoreMs: number | null }>;
}

/** Computes the figures of `deployments` and `heals` that fall in `[since, now]`. */
export function doraFigures(deployments: DeploymentRecord[], heals: Heal[], since: number, now: number): DoraFigures {
  const inWindow = deployments.filter((d) => d.at >= since && d.at <= now);
  const healsInWindow = heals.filter((h) => h.createdAt >= since || (h.resolvedAt ?? 0) >= since);
  const restored = healsInWindow.filter((h) => h.state === "resolved" && h.mttrMs !== null);
  const days = Math.max((now - since) / 86_400_000, 1 / 24);
  const services = [...new Set([...inWindow.map((d) => d.service), ...healsInWindow.map((h) => h.service)])].sort();
  const count = (state: string) => healsInWindow.filter((h) => h.state === state).length;
  return {
    windowDays: Math.round(days * 100) / 100,
    deployments: inWindow.length,
    deploymentsPerDay: Math.round((inWindow.length / days) * 100) / 100,
    changeFailureRate: inWindow.length ? inWindow.filter((d) => d.failed).length / inWindow.length : null,
    timeToRestore: {
      count: restored.length,
      medianMs: median(restored.map((h) => h.mttrMs as number)),
      maxMs: restored.length ? Math.max(...restored.map((h) => h.mttrMs as number)) : null,
    },
    heals: {
      resolved: restored.length,
      escalated: count("escalated"),
      failed: count("failed"),
      active: healsInWindow.filter((h) => !["resolved", "escalated", "failed"].includes(h.state)).length,
    },
    byService: services.map((service) => {
      const ds = inWindow.filter((d) => d.service === service);
      return {
        service,
        deployments: ds.length,
        failedDeployments: ds.filter((d) => d.failed).length,
        medianRestoreMs: median(restored.filter((h) => h.service === service).map((h) => h.mttrMs as number)),
      };
    }),
  };
}

/** The median of `xs`, or null when empty. */
export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
