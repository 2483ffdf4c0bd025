import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { summarizeCoverage, summarizeTests } from "../../reports/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

const params = z.object({ id: z.coerce.number().int().positive() });

/** Test results, coverage and gate results of a run. */
export function reportsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store } = app;
  defineRoute(f, paths, {
    method: "GET",
    url: "/api/runs/:id/tests",
    role: "viewer",
    summary: "Test case results of a run with a summary (filter ?status=failed, page with limit/offset)",
    tags: ["reports"],
    params,
    query: z.object({
      status: z.enum(["passed", "failed", "error", "skipped"]).optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(1000),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    handler: async ({ params, query }) => {
      await store.runs.get(params.id);
      const all = await store.reports.tests(params.id, { limit: 10_000 });
      return { summary: summarizeTests(all), tests: await store.reports.tests(params.id, query) };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/runs/:id/coverage",
    role: "viewer",
    summary: "Per-file coverage of a run with totals",
    tags: ["reports"],
    params,
    handler: async ({ params }) => {
      await store.runs.get(params.id);
      const files = await store.reports.coverage(params.id);
      return { summary: files.length ? summarizeCoverage(files) : null, files };
    },
  });
}
