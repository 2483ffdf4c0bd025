import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { UnauthorizedError } from "../../common/errors.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

/** Stream tickets: what an EventSource client passes as `?ticket=` instead of its token. */
export function streamTicketsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/stream-tickets",
    role: "viewer",
    summary:
      "Mint a short-lived ticket for the SSE routes (`?ticket=` on /api/events/stream and /api/runs/{id}/logs/stream)",
    tags: ["auth"],
    response: z.object({ ticket: z.string(), expiresAt: z.string() }),
    handler: async ({ caller }, _req, reply) => {
      if (!caller) throw new UnauthorizedError();
      const { ticket, expiresAt } = app.streamTickets.mint(caller.id);
      return reply.status(201).send({ ticket, expiresAt: new Date(expiresAt).toISOString() });
    },
  });
}
