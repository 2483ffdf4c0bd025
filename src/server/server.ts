/**
 * The HTTP API (Fastify): JSON in and out, one routes file per domain, bearer-token auth with
 * roles, one error boundary, SSE for live events and logs, `/metrics` and an OpenAPI document.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { App } from "../app/app.js";
import { installAuth } from "./auth.js";
import { installErrorHandler } from "./errors.js";
import { limitPerAddress, limitPerCaller, registerRateLimiter } from "./rate-limits.js";
import { assertJsonDepth } from "./json-depth.js";
import { createServerMetrics } from "./metrics.js";
import type { OpenApiPaths } from "./route.js";
import { agentsRoutes } from "./routes/agents-routes.js";
import { alertsRoutes } from "./routes/alerts-routes.js";
import { artifactsRoutes } from "./routes/artifacts-routes.js";
import { eventsRoutes } from "./routes/events-routes.js";
import { forgeReposRoutes } from "./routes/forge-repos-routes.js";
import { forgeRoutes } from "./routes/forge-routes.js";
import { releaseBuildRoutes } from "./routes/release-build-routes.js";
import { deployRoutes } from "./routes/deploy-routes.js";
import { doraRoutes } from "./routes/dora-routes.js";
import { healsRoutes } from "./routes/heals-routes.js";
import { hooksRoutes, type WithRawBody } from "./routes/hooks-routes.js";
import { incidentsRoutes } from "./routes/incidents-routes.js";
import { logsIngestRoutes } from "./routes/logs-ingest-routes.js";
import { logsRoutes } from "./routes/logs-routes.js";
import { metaRoutes } from "./routes/meta-routes.js";
import { metricsRoutes } from "./routes/metrics-routes.js";
import { projectsRoutes } from "./routes/projects-routes.js";
import { reportsRoutes } from "./routes/reports-routes.js";
import { modelsRoutes } from "./routes/models-routes.js";
import { serviceModelsRoutes } from "./routes/service-models-routes.js";
import { testSelectionsRoutes } from "./routes/test-selections-routes.js";
import { testsRoutes } from "./routes/tests-routes.js";
import { runsRoutes } from "./routes/runs-routes.js";
import { explanationRoutes } from "./routes/explanation-routes.js";
import { servicesRoutes } from "./routes/services-routes.js";
import { streamTicketsRoutes } from "./routes/stream-tickets-routes.js";
import { tokensRoutes } from "./routes/tokens-routes.js";
import { tracesRoutes } from "./routes/traces-routes.js";
import { webUiRoutes } from "./web-ui.js";

/** Builds the Fastify instance for `app` (not listening yet). */
export function createServer(app: App): FastifyInstance {
  const f: FastifyInstance = Fastify({
    loggerInstance: app.log as FastifyBaseLogger,
    bodyLimit: app.config.config.server.body_limit,
    logController: new LogController({ disableRequestLogging: true }),
  });
  f.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, done) => {
    (req as WithRawBody).rawBody = body as Buffer;
    if ((body as Buffer).length === 0) return done(null, undefined);
    try {
      assertJsonDepth(body as Buffer, app.config.config.limits.json_depth);
    } catch (err) {
      return done(err as Error, undefined);
    }
    try {
      done(null, JSON.parse((body as Buffer).toString("utf8")));
    } catch (err) {
      const e = new Error(`malformed JSON body: ${(err as Error).message}`) as Error & {
        statusCode: number;
        code: string;
      };
      e.statusCode = 400;
      e.code = "BAD_JSON";
      done(e, undefined);
    }
  });
  installErrorHandler(f);
  const c = app.config.config;
  registerRateLimiter(f, c.limits.rate_limit, c.bus.redis_url);
  // Hooks and routes go in after the rate limiter is loaded, in this order: address budget,
  // token lookup, token budget, then the routes (a plugin without encapsulation).
  // skip-override: the routes share the root's hooks and decorators (no encapsulation).
  const body = Object.assign(
    async (root: FastifyInstance) => {
      limitPerAddress(root, c.limits.rate_limit);
      installAuth(root, app.store, app.streamTickets);
      limitPerCaller(root, c.limits.rate_limit);
      addRoutes(root, app);
    },
    { [Symbol.for("skip-override")]: true },
  );
  f.register(body);
  return f;
}

function addRoutes(f: FastifyInstance, app: App): void {
  const metrics = createServerMetrics(app);
  f.addHook("onResponse", async (req, reply) => {
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? "unknown", status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  f.addHook("onClose", async () => metrics.stop());
  const paths: OpenApiPaths = {};
  const ctx = { app, paths };
  metaRoutes(f, ctx, metrics);
  projectsRoutes(f, ctx);
  runsRoutes(f, ctx);
  explanationRoutes(f, ctx);
  logsRoutes(f, ctx);
  eventsRoutes(f, ctx);
  artifactsRoutes(f, ctx);
  reportsRoutes(f, ctx);
  testsRoutes(f, ctx);
  testSelectionsRoutes(f, ctx);
  modelsRoutes(f, ctx);
  serviceModelsRoutes(f, ctx);
  tokensRoutes(f, ctx);
  streamTicketsRoutes(f, ctx);
  hooksRoutes(f, ctx);
  logsIngestRoutes(f, ctx);
  tracesRoutes(f, ctx);
  incidentsRoutes(f, ctx);
  forgeReposRoutes(f, ctx);
  forgeRoutes(f, ctx);
  servicesRoutes(f, ctx);
  metricsRoutes(f, ctx);
  alertsRoutes(f, ctx);
  healsRoutes(f, ctx);
  deployRoutes(f, ctx);
  releaseBuildRoutes(f, ctx);
  doraRoutes(f, ctx);
  agentsRoutes(f, ctx);
  webUiRoutes(f);
}
