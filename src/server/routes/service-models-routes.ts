import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { checkpointCalibration, resetCalibration } from "../../app/anomaly-checkpoints.js";
import { checkpointLogTemplates, resetLogTemplates } from "../../app/log-template-checkpoints.js";
import { ValidationError } from "../../common/errors.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";
import { modelVersionView } from "./models-routes.js";

const params = z.object({ service: z.string().min(1).max(128), model: z.string().min(1).max(64) });
const versionParams = params.extend({ version: z.coerce.number().int().min(1) });

/** A service model's checkpoint now, and how its serving part is put back to the live version. */
const SERVING = {
  "anomaly-calibration": { checkpoint: checkpointCalibration, reset: resetCalibration },
  "log-templates": { checkpoint: checkpointLogTemplates, reset: resetLogTemplates },
} as const;

/**
 * Learned models per service (`anomaly-calibration`, learnt online from the service's detector
 * inputs; `log-templates`, from its stored log lines): versions, an online update (checkpoint)
 * now, rollback (docs/learning.md).
 */
export function serviceModelsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store, models } = app;
  /** The scope of a known service; a service model by name. */
  const scope = async (service: string) => `service:${(await store.services.get(service)).name}`;
  const serviceModel = (name: string) => {
    const m = models.model(name);
    if (m.scopeKind !== "service") throw new ValidationError(`model ${name} is trained per project, not per service`);
    return SERVING[m.name as keyof typeof SERVING];
  };

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/services/:service/models",
    role: "viewer",
    summary: "The learned models kept per service and the service's stored versions, newest first",
    tags: ["models"],
    params: z.object({ service: z.string().min(1).max(128) }),
    handler: async ({ params }) => ({
      models: models
        .models()
        .filter((m) => m.scopeKind === "service")
        .map((m) => ({ name: m.name, task: m.task, metrics: m.metrics })),
      versions: (await store.modelVersions.list({ scope: await scope(params.service) })).map(modelVersionView),
    }),
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/services/:service/models/:model/versions/:version",
    role: "viewer",
    summary: "One version of a service's model: status, reason, window, counts, the online gate's figures",
    tags: ["models"],
    params: versionParams,
    handler: async ({ params }) =>
      modelVersionView(await store.modelVersions.get(params.model, await scope(params.service), params.version)),
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/services/:service/models/:model/update",
    role: "operator",
    summary:
      "Checkpoint the service's model now (anomaly calibration, log templates), behind the validation gate: kept as live, or rolled back (refused: the serving detectors are put back to the live version, the serving log templates kept)",
    tags: ["models"],
    params,
    body: z.object({}).strict().default({}),
    handler: async ({ params }) => {
      const serving = serviceModel(params.model);
      await scope(params.service);
      return modelVersionView(await serving.checkpoint(app, params.service));
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/services/:service/models/:model/rollback",
    role: "operator",
    summary:
      "Retire the live version; the one it replaced (or the shipped default) serves again, and the service's detectors or templates are put back to it",
    tags: ["models"],
    params,
    body: z.object({ reason: z.string().min(1).max(500).default("rolled back through the API") }).strict(),
    handler: async ({ params, body }) => {
      const serving = serviceModel(params.model);
      const restored = await models.rollback(params.model, await scope(params.service), body.reason);
      await serving.reset(app, params.service);
      return { live: restored ? modelVersionView(restored) : null };
    },
  });
}
