import type { FastifyError, FastifyInstance } from "fastify";
import { isPitcrewError } from "../common/errors.js";

/** The JSON body of every API error. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/**
 * The one HTTP boundary for errors (DESIGN.md §6): pitcrew errors keep their status and code,
 * Fastify's own (bad JSON, body too large, unsupported media type) keep theirs, anything else is
 * a 500 whose details stay in the server log.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isPitcrewError(err)) {
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = err.code === "FST_ERR_CTP_BODY_TOO_LARGE" ? "too_large" : (err.code ?? "bad_request").toLowerCase();
      return reply.status(status).send({ error: { code, message: err.message } });
    }
    req.log.error({ err }, "request failed");
    return reply
      .status(500)
      .send({ error: { code: "internal", message: "internal server error (see the server log)" } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ error: { code: "not_found", message: `no route ${req.method} ${req.url.split("?")[0]}` } }),
  );
}
