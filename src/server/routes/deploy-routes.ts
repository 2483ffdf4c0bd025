import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { ConflictError, ForbiddenError } from "../../common/errors.js";
import type { Release, Rollout } from "../../store/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";
import { idPageQuery, nextIdCursor } from "./id-page.js";

const iso = (t: number | null) => (t == null ? null : new Date(t).toISOString());
const id = z.object({ id: z.coerce.number().int().positive() });
const envParam = z.object({ env: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "an environment name") });
const projectName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a project name");
const reason = z.string().max(500).default("");

/** A release as the API shows it (ISO times; the env values stay server-side). */
export function releaseView(r: Release) {
  const { env: _env, ...spec } = r.spec;
  return {
    ...r,
    spec,
    createdAt: iso(r.createdAt),
    liveAt: iso(r.liveAt),
    endedAt: iso(r.endedAt),
  };
}

/** A rollout as the API shows it (ISO times). */
export function rolloutView(r: Rollout) {
  return { ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt), finishedAt: iso(r.finishedAt) };
}

/** Environments, releases and rollouts: deploy, promote, abort, rollback, status and history. */
export function deployRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store } = app;
  const delivery = () => {
    const d = app.delivery;
    if (!d) throw new ConflictError("delivery is not running on this server");
    return d;
  };

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/environments",
    role: "viewer",
    summary:
      "Environments with, per project, the live release, the active rollout, the pipeline deploy still pending, replicas and listener URL",
    tags: ["deploy"],
    handler: async () => {
      const d = delivery();
      return {
        environments: await Promise.all(
          d.environments.map(async (e) => ({
            name: e.name,
            router: e.router,
            promotion: e.promotion ?? null,
            projects: (await d.status(e.name)).map((p) => ({
              ...p,
              live: p.live ? releaseView(p.live) : null,
              rollout: p.rollout ? rolloutView(p.rollout) : null,
              pending: p.pending
                ? { ...p.pending, createdAt: iso(p.pending.createdAt), updatedAt: iso(p.pending.updatedAt) }
                : null,
            })),
          })),
        ),
      };
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/environments/:env/deploy",
    role: "operator",
    summary:
      "Deploy a project's successful run (default: its last one) with the environment's strategy or `strategy`; 202 with the rollout",
    tags: ["deploy"],
    params: envParam,
    body: z
      .object({
        project: projectName,
        run: z.number().int().positive().optional(),
        strategy: z.record(z.string(), z.unknown()).optional(),
        force: z.boolean().default(false),
        reason,
      })
      .strict(),
    handler: async ({ params, body, caller }, _req, reply) => {
      if (body.force && caller!.role !== "admin") throw new ForbiddenError("only an admin may skip the promotion rule");
      const { release, rollout } = await delivery().deploy({
        project: body.project,
        environment: params.env,
        runId: body.run,
        strategy: body.strategy,
        force: body.force,
        by: `token:${caller!.name}`,
        reason: body.reason || "deploy",
      });
      reply.code(202);
      return { release: releaseView(release), rollout: rolloutView(rollout) };
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/environments/:env/promote",
    role: "operator",
    summary: "Approve the project's paused rollout here, or deploy what is live in the promotion source",
    tags: ["deploy"],
    params: envParam,
    body: z.object({ project: projectName }).strict(),
    handler: async ({ params, body, caller }) =>
      rolloutView(
        await delivery().promoteProject({
          project: body.project,
          environment: params.env,
          by: `token:${caller!.name}`,
        }),
      ),
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/environments/:env/rollback",
    role: "operator",
    summary: "Roll a project back: abort its active rollout, or go back to `to` (default: the previous release)",
    tags: ["deploy"],
    params: envParam,
    body: z.object({ project: projectName, to: z.number().int().positive().optional(), reason }).strict(),
    handler: async ({ params, body, caller }, _req, reply) => {
      const res = await delivery().rollback({
        project: body.project,
        environment: params.env,
        toReleaseId: body.to,
        by: `token:${caller!.name}`,
        reason: body.reason || "manual rollback",
      });
      reply.code(202);
      return { rollout: rolloutView(res.rollout), release: res.release ? releaseView(res.release) : null };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/releases",
    role: "viewer",
    summary: "Release history, newest first; filter by project and environment; page with ?cursor=<next>",
    tags: ["deploy"],
    query: z.object({
      project: projectName.optional(),
      environment: z.string().max(32).optional(),
      ...idPageQuery,
    }),
    handler: async ({ query }) => {
      const list = await store.releases.list({ ...query, beforeId: query.cursor });
      return { releases: list.map(releaseView), next: nextIdCursor(list, query.limit) };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/rollouts",
    role: "viewer",
    summary: "Rollouts, newest first; filter by project and environment; page with ?cursor=<next>",
    tags: ["deploy"],
    query: z.object({
      project: projectName.optional(),
      environment: z.string().max(32).optional(),
      ...idPageQuery,
    }),
    handler: async ({ query }) => {
      const list = await store.rollouts.list({ ...query, beforeId: query.cursor });
      return { rollouts: list.map(rolloutView), next: nextIdCursor(list, query.limit) };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/rollouts/:id",
    role: "viewer",
    summary:
      "A rollout with its steps (analysis measurements and explanations included) and, once rolled back, the revert of its commits on the base branch (state, reason, pull request)",
    tags: ["deploy"],
    params: id,
    handler: async ({ params }) => {
      const r = await store.rollouts.get(params.id);
      const steps = await store.rollouts.steps(params.id);
      const revert = await store.releaseReverts.get(params.id);
      return {
        ...rolloutView(r),
        steps: steps.map((s) => ({ ...s, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) })),
        revert: revert
          ? {
              state: revert.state,
              reason: revert.reason || null,
              pullRequest: revert.repo && revert.prNumber !== null ? `${revert.repo}#${revert.prNumber}` : null,
              mergeCommit: revert.mergeCommit,
            }
          : null,
      };
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/rollouts/:id/promote",
    role: "operator",
    summary: "Approve a paused rollout, or skip its timed pause (409 when it waits for nothing)",
    tags: ["deploy"],
    params: id,
    handler: async ({ params }) => rolloutView(await delivery().promote(params.id)),
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/rollouts/:id/abort",
    role: "operator",
    summary: "Abort an active rollout: traffic returns to the baseline (409 when already finished)",
    tags: ["deploy"],
    params: id,
    body: z.object({ reason }).strict().default({ reason: "" }),
    handler: async ({ params, body, caller }) =>
      rolloutView(await delivery().abort(params.id, body.reason || `aborted by ${caller!.name}`)),
  });
}
