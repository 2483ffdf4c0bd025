import type { FastifyInstance } from "fastify";
import type { DependencyHealth } from "../../common/health.js";
import { ROLES } from "../../store/index.js";
import type { ServerMetrics } from "../metrics.js";
import { type Caller, defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

/** Health, pitcrew's own metrics and the OpenAPI document. */
export function metaRoutes(f: FastifyInstance, { app, paths }: RouteContext, metrics: ServerMetrics): void {
  defineRoute(f, paths, {
    method: "GET",
    url: "/healthz",
    role: "public",
    summary: "Liveness, store reachability, and whether the queue and the blob store answer",
    tags: ["meta"],
    handler: async ({ caller }) => {
      await app.store.settings.get("bootstrapped");
      // 200 while the store answers: the API still serves (and says here) what is away
      const [queue, storage] = await Promise.all([app.queue.health(), app.runner.blobs.health()]);
      const shown = seesDetail(caller) ? (h: DependencyHealth) => h : withoutDetail;
      return {
        ok: queue.ok && storage.ok,
        store: app.store.database.dialect,
        queue: { driver: app.queue.name, ...shown(queue) },
        storage: { driver: app.runner.blobs.name, ...shown(storage) },
      };
    },
  });
  defineRoute(f, paths, {
    method: "GET",
    url: "/metrics",
    role: "public",
    summary: "pitcrew's own metrics in Prometheus text format",
    tags: ["meta"],
    produces: "text/plain",
    handler: async (_i, _req, reply) => {
      reply.header("content-type", metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  });
  defineRoute(f, paths, {
    method: "GET",
    url: "/api/openapi.json",
    role: "public",
    summary: "This API's OpenAPI 3.1 document",
    tags: ["meta"],
    handler: async () => ({
      openapi: "3.1.0",
      info: { title: "pitcrew API", version: "0.1.0", description: "CI/CD server that heals what it ships" },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
        schemas: {
          Error: {
            type: "object",
            required: ["error"],
            properties: {
              error: {
                type: "object",
                required: ["code", "message"],
                properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
              },
            },
          },
        },
      },
      paths,
    }),
  });
}

/** Whether `caller` may read what is wrong in detail (hosts, endpoints, bucket): an operator or admin. */
function seesDetail(caller: Caller): boolean {
  return caller !== undefined && ROLES.indexOf(caller.role) >= ROLES.indexOf("operator");
}

/** A dependency's health without the detail that names internal hosts (for anonymous callers). */
function withoutDetail(h: DependencyHealth): DependencyHealth {
  return h.ok ? { ok: true } : { ok: false, error: "unavailable (an operator token sees why)" };
}
