import type { FastifyInstance, FastifyRequest } from "fastify";
import { UnauthorizedError } from "../common/errors.js";
import type { StreamTickets } from "../common/stream-tickets.js";
import type { Store } from "../store/index.js";
import type { Caller } from "./route.js";

/** The SSE routes that accept `?ticket=` (EventSource cannot send headers). */
const STREAM_ROUTE = /^\/api\/(events\/stream|runs\/\d+\/logs\/stream)(\?|$)/;

/**
 * Resolves `Authorization: Bearer <token>` to the caller before every route; a presented but
 * unknown token is a 401 even on public routes, so typos are noticed. Tokens are never accepted
 * in the URL (they would end up in access logs and browser history): EventSource clients mint a
 * short-lived ticket with `POST /api/stream-tickets` and pass `?ticket=` to the SSE routes only.
 */
export function installAuth(app: FastifyInstance, store: Store, tickets: StreamTickets): void {
  app.addHook("onRequest", async (req) => {
    const header = req.headers.authorization;
    const query = req.query as Record<string, unknown> | undefined;
    let info: Caller;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new UnauthorizedError("malformed Authorization header: expected 'Bearer <token>'");
      info = await store.tokens.verify(m[1] as string);
      if (!info) throw new UnauthorizedError("invalid or revoked token");
    } else if (query?.ticket !== undefined) {
      if (req.method !== "GET" || !STREAM_ROUTE.test(req.url)) {
        throw new UnauthorizedError("?ticket= is accepted only by the SSE stream routes");
      }
      const id = typeof query.ticket === "string" ? tickets.open(query.ticket) : undefined;
      info = id === undefined ? undefined : await store.tokens.findLive(id);
      if (!info)
        throw new UnauthorizedError("invalid or expired stream ticket (mint one with POST /api/stream-tickets)");
    } else if (query?.token !== undefined) {
      throw new UnauthorizedError(
        "tokens are not accepted in the URL: send 'Authorization: Bearer <token>' (EventSource: POST /api/stream-tickets, then ?ticket=)",
      );
    }
    if (info) (req as FastifyRequest & { caller?: Caller }).caller = info;
  });
}
