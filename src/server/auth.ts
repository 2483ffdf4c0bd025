import type { FastifyInstance, FastifyRequest } from "fastify";
import { UnauthorizedError } from "../common/errors.js";
import type { Store } from "../store/index.js";
import type { Caller } from "./route.js";

/**
 * Resolves `Authorization: Bearer <token>` (or `?token=` for EventSource clients, which cannot
 * set headers) to the caller before every route; a presented but unknown token is a 401 even on
 * public routes, so typos are noticed.
 */
export function installAuth(app: FastifyInstance, store: Store): void {
  app.addHook("onRequest", async (req) => {
    const header = req.headers.authorization;
    const fromQuery = (req.query as Record<string, unknown> | undefined)?.token;
    let token: string | undefined;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new UnauthorizedError("malformed Authorization header: expected 'Bearer <token>'");
      token = m[1];
    } else if (typeof fromQuery === "string" && req.method === "GET") {
      token = fromQuery;
    }
    if (!token) return;
    const info = await store.tokens.verify(token);
    if (!info) throw new UnauthorizedError("invalid or revoked token");
    (req as FastifyRequest & { caller?: Caller }).caller = info;
  });
}
