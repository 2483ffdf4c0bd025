import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { NotFoundError } from "../../common/errors.js";
import type { TestSelectionRecord, TestSelectionSummary } from "../../store/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";
import { idPageQuery, nextIdCursor } from "./id-page.js";

const project = z.string().min(1).max(128);

const skippedFile = z.object({ file: z.string(), detail: z.string() });
const selectionFields = {
  id: z.number().int(),
  runId: z.number().int(),
  jobId: z.number().int(),
  attempt: z.number().int(),
  step: z.number().int(),
  mode: z.string(),
  filesTotal: z.number().int(),
  filesRun: z.number().int(),
  runMs: z.number(),
  savedMs: z.number(),
  unmeasuredSkipped: z.number().int(),
  skippedCount: z.number().int(),
  summary: z.string(),
  fallback: z.string().nullable(),
  createdAt: z.string(),
};

/** A listed selection as the API answers it. */
function listed({ projectId: _, createdAt, ...s }: TestSelectionSummary) {
  return { ...s, createdAt: new Date(createdAt).toISOString() };
}

/** One selection as the API answers it, with its skipped files. */
function view({ skipped, ...s }: TestSelectionRecord) {
  return { ...listed(s), skipped };
}

/**
 * The test selections of a project's `tests:` steps, stored when the server made each step's
 * advice: how many test files ran of how many, the test time saved, and each skipped file's reason.
 */
export function testSelectionsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store } = app;

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/projects/:project/tests/selections",
    role: "viewer",
    summary:
      "The test selections of the project's tests: steps, newest first (files run of all, expected test time run and saved); ?run= keeps one run's; page with ?cursor=<next>",
    tags: ["tests"],
    params: z.object({ project }),
    query: z.object({ ...idPageQuery, run: z.coerce.number().int().positive().optional() }),
    response: z.object({ selections: z.array(z.object(selectionFields)), next: z.string().nullable() }),
    handler: async ({ params, query }) => {
      const p = await store.projects.resolve(params.project);
      const page = await store.testSelections.list(p.id, {
        limit: query.limit,
        ...(query.cursor !== undefined && { beforeId: query.cursor }),
        ...(query.run !== undefined && { runId: query.run }),
      });
      return {
        selections: page.map(listed),
        next: nextIdCursor(page, query.limit),
      };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/projects/:project/tests/selections/:id",
    role: "viewer",
    summary:
      "One test step's selection with its skipped test files and the reason of each (the first 200; skippedCount counts all)",
    tags: ["tests"],
    params: z.object({ project, id: z.coerce.number().int().positive() }),
    response: z.object({ ...selectionFields, skipped: z.array(skippedFile) }),
    handler: async ({ params }) => {
      const p = await store.projects.resolve(params.project);
      const s = await store.testSelections.get(p.id, params.id);
      if (!s) throw new NotFoundError("test selection", params.id);
      return view(s);
    },
  });
}
