import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { correlateRunFailures, runExplanation } from "../../failures/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

/**
 * Why a run failed: the stored failure explanation of each of its failed jobs, and what changed
 * when each started failing, across the project's runs (docs/failures.md).
 */
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

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/runs/:id/correlation",
    role: "viewer",
    summary:
      "What changed when each failed job started failing: its signature and first occurrence in any project (and what fixed it), the first failing run of the streak with the files and dependency versions changed since the last success, and the attributes that separate failing from passing runs",
    tags: ["runs"],
    params: z.object({ id: z.coerce.number().int().positive() }),
    query: z.object({ job: z.string().min(1).max(255).optional() }).strict(),
    handler: async ({ params, query }) =>
      correlateRunFailures({ store: app.store, dataDir: app.runner.dataDir }, params.id, query.job),
  });
}
