import type { FastifyInstance } from "fastify";
import * as z from "zod";
import type { Service } from "../../store/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

/** A service as the API shows it (ISO times). */
export function serviceView(s: Service) {
  return {
    name: s.name,
    environment: s.environment,
    metricsUrl: s.metricsUrl,
    scrapeIntervalMs: s.scrapeIntervalMs,
    logSource: s.logSource,
    repository: s.repository,
    path: s.repoPath,
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
  };
}

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "letters, digits, . _ - (max 64)");

/** The services registry: list, show, register (or update); scrapers follow registrations. */
export function servicesRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  defineRoute(f, paths, {
    method: "GET",
    url: "/api/services",
    role: "viewer",
    summary: "List registered services",
    tags: ["services"],
    handler: async () => ({ services: (await app.store.services.list()).map(serviceView) }),
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/services/:name",
    role: "viewer",
    summary: "A registered service",
    tags: ["services"],
    params: z.object({ name }),
    handler: async ({ params }) => serviceView(await app.store.services.get(params.name)),
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/services",
    role: "admin",
    summary: "Register a service or replace its settings (metrics endpoint, scrape interval, logs, repository)",
    tags: ["services"],
    body: z
      .object({
        name,
        environment: z.string().min(1).max(64).default("production"),
        metricsUrl: z
          .url({ protocol: /^https?$/ })
          .nullable()
          .default(null),
        scrapeIntervalMs: z.number().int().min(1000).max(3_600_000).default(15_000),
        logSource: z.string().max(1024).nullable().default(null),
        repository: z.string().max(1024).nullable().default(null),
        path: z.string().max(1024).nullable().default(null),
      })
      .strict(),
    handler: async ({ body }, _req, reply) => {
      const { path, ...rest } = body;
      const s = await app.store.services.upsert({ ...rest, repoPath: path }, app.clock.now());
      await app.observation.scrapers.sync();
      return reply.status(201).send(serviceView(s));
    },
  });
}
