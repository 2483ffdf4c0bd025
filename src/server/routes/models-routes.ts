import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { durationSchema } from "../../common/config/duration-schema.js";
import { updateModelOnline } from "../../app/online-model-updates.js";
import type { ModelVersion } from "../../store/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

const params = z.object({ project: z.string().min(1).max(128), model: z.string().min(1).max(64) });
const versionParams = params.extend({ version: z.coerce.number().int().min(1) });

/** A version as the API shows it: everything but its state and drift profile. */
export function modelVersionView(v: ModelVersion) {
  const { state: _state, profile: _profile, ...rest } = v;
  return {
    ...rest,
    trainFrom: new Date(v.trainFrom).toISOString(),
    trainTo: new Date(v.trainTo).toISOString(),
    createdAt: new Date(v.createdAt).toISOString(),
    updatedAt: new Date(v.updatedAt).toISOString(),
  };
}

/** Learned models per project: versions, training through the gate, online updates, promotion and rollback (docs/learning.md). */
export function modelsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store, models } = app;
  const scope = async (project: string) => `project:${(await store.projects.resolve(project)).id}`;

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/projects/:project/models",
    role: "viewer",
    summary: "The learned models trained per project and the project's stored versions, newest first",
    tags: ["models"],
    params: z.object({ project: z.string().min(1).max(128) }),
    handler: async ({ params }) => ({
      models: models
        .models()
        .filter((m) => (m.scopeKind ?? "project") === "project")
        .map((m) => ({ name: m.name, task: m.task, metrics: m.metrics })),
      versions: (await store.modelVersions.list({ scope: await scope(params.project) })).map(modelVersionView),
    }),
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/projects/:project/models/:model/versions/:version",
    role: "viewer",
    summary: "One model version: status, reason, training window, counts, evaluation figures",
    tags: ["models"],
    params: versionParams,
    handler: async ({ params }) =>
      modelVersionView(await store.modelVersions.get(params.model, await scope(params.project), params.version)),
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/projects/:project/models/:model/train",
    role: "operator",
    summary: "Train a candidate, evaluate it beside the incumbent on held-out time and apply the gate",
    tags: ["models"],
    params,
    body: z
      .object({
        promote: z.boolean().default(true),
        /** Evaluation period and training window (default: config `learning.horizon`, `learning.window`). */
        horizon: durationSchema.optional(),
        window: durationSchema.optional(),
      })
      .strict()
      .default({ promote: true }),
    handler: async ({ params, body }) => {
      const s = await scope(params.project);
      const cfg = app.config.config.learning;
      const v = await models.train(params.model, s, {
        horizonMs: body.horizon ?? cfg.horizon,
        windowMs: body.window ?? cfg.window,
      });
      return modelVersionView(body.promote ? await models.promote(params.model, s, v.version) : v);
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/projects/:project/models/:model/versions/:version/promote",
    role: "operator",
    summary: "Apply the gate to a candidate or shadow version (live or refused, with the reason); force overrides it",
    tags: ["models"],
    params: versionParams,
    body: z
      .object({ force: z.boolean().default(false) })
      .strict()
      .default({ force: false }),
    handler: async ({ params, body }) =>
      modelVersionView(
        await models.promote(params.model, await scope(params.project), params.version, { force: body.force }),
      ),
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/projects/:project/models/:model/update",
    role: "operator",
    summary:
      "Update the live version online with the runs since it, behind the validation gate: kept as live, or rolled back (refused) when worse on the newest runs",
    tags: ["models"],
    params,
    body: z.object({}).strict().default({}),
    handler: async ({ params }) =>
      modelVersionView(await updateModelOnline(app, params.model, await scope(params.project))),
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/projects/:project/models/:model/rollback",
    role: "operator",
    summary:
      "Retire the live version; the one it replaced (or the shipped default) serves again (409 without a live version)",
    tags: ["models"],
    params,
    body: z.object({ reason: z.string().min(1).max(500).default("rolled back through the API") }).strict(),
    handler: async ({ params, body }) => {
      const restored = await models.rollback(params.model, await scope(params.project), body.reason);
      return { live: restored ? modelVersionView(restored) : null };
    },
  });
}
