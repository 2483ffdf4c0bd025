import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { runExplanation } from "../../failures/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

/** Why a run failed: the stored failure explanation of each of its failed jobs (docs/failures.md). */
export function explanationRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  defineRoute(f, paths, {
    method: "GET",
    url: "/api/runs/:id/explanation",
    role: "viewer",
    summary: "Why the run failed: per failed job, the log lines that explain it and the cause class, with evidence",
    tags: ["runs"],
    params: z.object({ id: z.coerce.number().int().positive() }),
    query: z.object({ job: z.string().min(1).max(255).optional() }).strict(),
    handler: async ({ params, query }) => runExplanation(app.store, params.id, query.job),
  });
}
