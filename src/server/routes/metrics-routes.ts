import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { ValidationError } from "../../common/errors.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";
import { authorizeIngest } from "./logs-ingest-routes.js";
import { answerOtlp } from "./otlp-body.js";

/** Parses a Prometheus API time (RFC 3339 or unix seconds, fractions allowed) into epoch ms. */
function apiTime(v: string | undefined, what: string, fallback?: number): number {
  if (v === undefined) {
    if (fallback === undefined) throw new ValidationError(`invalid query: ${what} is required`);
    return fallback;
  }
  const t = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  if (!Number.isFinite(t)) throw new ValidationError(`invalid query: ${what}: expected RFC 3339 or unix seconds`);
  return Math.round(t);
}

/** Duration as Prometheus' API takes it (`15s`, `1m`, or seconds), in ms. */
function apiStep(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v);
  if (!m) throw new ValidationError("invalid query: step: expected seconds or a duration like 15s");
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? "s"]!;
  return Number(m[1]) * unit;
}

const expr = z.string().min(1).max(10_000);

/** OTLP/HTTP metrics ingest, and PromQL queries on the configured metrics source in Prometheus' API envelope. */
export function metricsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  defineRoute(f, paths, {
    method: "POST",
    url: "/v1/metrics",
    role: "public",
    summary:
      "OTLP/HTTP metrics export, JSON or protobuf, into the built-in TSDB with Prometheus naming; refused points are a partial success; operator token or signature",
    tags: ["metrics"],
    handler: async ({ body, caller }, req, reply) => {
      authorizeIngest(app, req, caller);
      return answerOtlp(app, "metrics", body, reply);
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/metrics/query",
    role: "viewer",
    summary: "Instant PromQL query (time: RFC 3339 or unix seconds, default now)",
    tags: ["metrics"],
    query: z.object({ query: expr, time: z.string().max(40).optional() }),
    handler: async ({ query }) => {
      const t = apiTime(query.time, "time", app.clock.now());
      return { status: "success", data: await app.observation.metrics.instantQuery(query.query, t) };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/metrics/query_range",
    role: "viewer",
    summary: "Range PromQL query (start, end: RFC 3339 or unix seconds; step: seconds or 15s/1m)",
    tags: ["metrics"],
    query: z.object({ query: expr, start: z.string().max(40), end: z.string().max(40), step: z.string().max(20) }),
    handler: async ({ query }) => {
      const data = await app.observation.metrics.rangeQuery(
        query.query,
        apiTime(query.start, "start"),
        apiTime(query.end, "end"),
        apiStep(query.step),
      );
      return { status: "success", data };
    },
  });
}
