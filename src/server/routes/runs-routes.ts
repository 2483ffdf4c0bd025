import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { cancelRun, rerunRun, triggerRun } from "../../runner/index.js";
import { type Run, STATUSES } from "../../store/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

const id = z.object({ id: z.coerce.number().int().positive() });

/** Run as the API shows it (ISO times, no plan). */
export function runView(r: Run) {
  const iso = (t: number | null) => (t == null ? null : new Date(t).toISOString());
  return {
    id: r.id,
    projectId: r.projectId,
    number: r.number,
    event: r.event,
    branch: r.branch,
    commit: r.commit,
    status: r.status,
    reason: r.reason,
    pipeline: r.pipelineName,
    triggeredBy: r.triggeredBy,
    trust: r.trust,
    parentRunId: r.parentRunId,
    inputs: r.inputs,
    gates: r.gateResults,
    createdAt: iso(r.createdAt),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
  };
}

/** Runs: list, show (with jobs and steps), trigger, cancel, re-run. */
export function runsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store } = app;
  defineRoute(f, paths, {
    method: "GET",
    url: "/api/runs",
    role: "viewer",
    summary: "List runs, newest first (page with ?before=<id of the last run seen>)",
    tags: ["runs"],
    query: z.object({
      project: z.string().optional(),
      status: z.enum(STATUSES).optional(),
      branch: z.string().max(255).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      before: z.coerce.number().int().positive().optional(),
    }),
    handler: async ({ query }) => {
      const projectId = query.project ? (await store.projects.resolve(query.project)).id : undefined;
      const runs = await store.runs.list({ ...query, projectId });
      const last = runs.at(-1);
      return { runs: runs.map(runView), next: runs.length === query.limit && last ? `?before=${last.id}` : null };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/runs/:id",
    role: "viewer",
    summary: "A run with its jobs, steps and gate results",
    tags: ["runs"],
    params: id,
    handler: async ({ params }) => {
      const run = await store.runs.get(params.id);
      const jobs = await store.jobs.listForRun(run.id);
      const steps = await store.steps.listForJobs(jobs.map((j) => j.id));
      return {
        ...runView(run),
        jobs: jobs.map((j) => ({
          id: j.id,
          key: j.key,
          name: j.name,
          status: j.status,
          reason: j.reason,
          attempt: j.attempt,
          exitCode: j.exitCode,
          needs: j.spec.needs,
          matrix: j.spec.matrix,
          startedAt: j.startedAt ? new Date(j.startedAt).toISOString() : null,
          finishedAt: j.finishedAt ? new Date(j.finishedAt).toISOString() : null,
          steps: steps
            .filter((s) => s.jobId === j.id && s.attempt === j.attempt)
            .map((s) => ({ idx: s.idx, name: s.name, status: s.status, exitCode: s.exitCode, reason: s.reason })),
        })),
      };
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/projects/:project/runs",
    role: "operator",
    summary: "Trigger a manual run (optionally of a branch or commit, with inputs)",
    tags: ["runs"],
    params: z.object({ project: z.string().min(1) }),
    body: z
      .object({
        branch: z.string().min(1).max(255).optional(),
        commit: z
          .string()
          .regex(/^[0-9a-f]{7,40}$/, "a hex commit SHA")
          .optional(),
        inputs: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/), z.string().max(10_000)).default({}),
      })
      .strict(),
    handler: async ({ params, body, caller }, _req, reply) => {
      const res = await triggerRun(app.runner, params.project, {
        event: "manual",
        ...body,
        triggeredBy: `token:${caller!.name}`,
      });
      if (!res.run) return reply.status(200).send({ skipped: res.skipped });
      return reply.status(201).send(runView(res.run));
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/runs/:id/cancel",
    role: "operator",
    summary: "Cancel a queued or running run (kills its steps' process trees)",
    tags: ["runs"],
    params: id,
    handler: async ({ params, caller }) => {
      await cancelRun(app.runner, params.id, `token:${caller!.name}`);
      return runView(await store.runs.get(params.id));
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/runs/:id/rerun",
    role: "operator",
    summary: "Re-run a finished run: all jobs as a new run, or only failed jobs in place",
    tags: ["runs"],
    params: id,
    body: z.object({ failedOnly: z.boolean().default(false) }).strict(),
    handler: async ({ params, body, caller }, _req, reply) => {
      const run = await rerunRun(app.runner, params.id, { failedOnly: body.failedOnly, by: `token:${caller!.name}` });
      return reply.status(201).send(runView(run));
    },
  });
}
