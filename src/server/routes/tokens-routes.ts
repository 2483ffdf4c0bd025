import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { TOKEN_ROLES } from "../../store/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

/** API tokens (admin only; `/api/me` for any token). The secret is shown once, at creation. */
export function tokensRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store } = app;
  defineRoute(f, paths, {
    method: "GET",
    url: "/api/me",
    role: "viewer",
    summary: "The calling token's name and role (`pitcrew login` checks a token with it)",
    tags: ["tokens"],
    handler: async ({ caller }) => ({ id: caller!.id, name: caller!.name, role: caller!.role }),
  });
  defineRoute(f, paths, {
    method: "GET",
    url: "/api/tokens",
    role: "admin",
    summary: "All tokens (names and roles, never secrets)",
    tags: ["tokens"],
    handler: async () => ({ tokens: await store.tokens.list() }),
  });
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/tokens",
    role: "admin",
    summary:
      "Create a token (role viewer, operator, admin, or agent for `pitcrew agent`); the response holds its secret, shown only this once",
    tags: ["tokens"],
    body: z.object({ name: z.string().min(1).max(100), role: z.enum(TOKEN_ROLES as [string, ...string[]]) }).strict(),
    handler: async ({ body }, _req, reply) => {
      const { token, info } = await store.tokens.create(body.name, body.role as (typeof TOKEN_ROLES)[number]);
      return reply.status(201).send({ token, ...info });
    },
  });
  defineRoute(f, paths, {
    method: "DELETE",
    url: "/api/tokens/:id",
    role: "admin",
    summary: "Revoke a token",
    tags: ["tokens"],
    params: z.object({ id: z.coerce.number().int().positive() }),
    handler: async ({ params }, _req, reply) => {
      await store.tokens.revoke(params.id);
      return reply.status(204).send();
    },
  });
}
