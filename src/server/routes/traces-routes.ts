import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { parseDuration } from "../../common/config/config-schema.js";
import { NotFoundError } from "../../common/errors.js";
import { buildDependencyGraph } from "../../observe/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";
import { authorizeIngest } from "./logs-ingest-routes.js";
import { answerOtlp } from "./otlp-body.js";

/** Traces: OTLP/HTTP (JSON or protobuf) span ingest, one trace, and the service dependency graph of a window. */
export function tracesRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  defineRoute(f, paths, {
    method: "POST",
    url: "/v1/traces",
    role: "public",
    summary:
      "OTLP/HTTP traces export, JSON or protobuf (resourceSpans → scopeSpans → spans); operator token or signature",
    tags: ["traces"],
    handler: async ({ body, caller }, req, reply) => {
      authorizeIngest(app, req, caller);
      return answerOtlp(app, "traces", body, reply);
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/traces/graph",
    role: "viewer",
    summary: "Service dependency graph over ?window= (default 15m, max 24h): per edge calls, error rate, p50/p99",
    tags: ["traces"],
    query: z.object({
      window: z
        .string()
        .regex(/^(\d+(ms|s|m|h))+$/, "a duration like 5m, 1h")
        .default("15m")
        .transform(parseDuration)
        .pipe(
          z
            .number()
            .min(1000)
            .max(24 * 3_600_000),
        ),
    }),
    handler: async ({ query }) => {
      const to = app.clock.now();
      const g = buildDependencyGraph(await app.store.spans.window(to - query.window, to), {
        from: to - query.window,
        to,
      });
      return { ...g, from: new Date(g.from).toISOString(), to: new Date(g.to).toISOString() };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/traces/:traceId",
    role: "viewer",
    summary: "The spans of one trace, by start time",
    tags: ["traces"],
    params: z.object({ traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, "32 hex digits") }),
    handler: async ({ params }) => {
      const spans = await app.store.spans.trace(params.traceId.toLowerCase());
      if (spans.length === 0) throw new NotFoundError("trace", params.traceId);
      return {
        traceId: params.traceId.toLowerCase(),
        spans: spans.map((s) => ({ ...s, startAt: new Date(s.startAt).toISOString() })),
      };
    },
  });
}
