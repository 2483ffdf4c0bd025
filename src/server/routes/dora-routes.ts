import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { type DeploymentRecord, doraFigures } from "../../heal/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

/** At most this many rollouts and heals are read per request (newest first). */
const MAX_ROWS = 5_000;

/** DORA-style figures: deployment frequency, change failure rate, time to restore (MTTR). */
export function doraRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store, clock } = app;

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/dora",
    role: "viewer",
    summary:
      "Deployments per day, change failure rate (rolled back or failed) and time to restore (heals, alert → verified healthy) over ?days (default 7), optionally for one ?environment",
    tags: ["heals", "deploy"],
    query: z.object({
      days: z.coerce.number().min(0.01).max(365).default(7),
      environment: z.string().max(32).optional(),
    }),
    handler: async ({ query }) => {
      const now = clock.now();
      const since = now - query.days * 86_400_000;
      const rollouts = await store.rollouts.list({ environment: query.environment, limit: MAX_ROWS });
      const deployments: DeploymentRecord[] = [];
      for (const r of rollouts) {
        if (r.kind === "rollback" || r.finishedAt === null || r.finishedAt < since) continue;
        if (r.state === "aborted") continue;
        const release = await store.releases.get(r.releaseId);
        deployments.push({
          service: r.project,
          environment: r.environment,
          at: r.finishedAt,
          failed: r.state !== "succeeded" || release.status === "rolled_back",
        });
      }
      const heals = await store.heals.list({ limit: MAX_ROWS });
      return doraFigures(deployments, heals, since, now);
    },
  });
}
