import type { FastifyInstance, FastifyReply } from "fastify";
import { decodeOtlpProtobuf, type OtlpSignal } from "../../observe/index.js";
import type { WithRawBody } from "./hooks-routes.js";

const PROTOBUF = "application/x-protobuf";

/** Accepts `application/x-protobuf` bodies as raw bytes (kept for the ingest signature too). */
export function addProtobufBodies(f: FastifyInstance): void {
  f.addContentTypeParser(PROTOBUF, { parseAs: "buffer" }, (req, body, done) => {
    (req as WithRawBody).rawBody = body as Buffer;
    done(null, body);
  });
}

/**
 * An OTLP/HTTP export body in the OTLP/JSON shape: JSON bodies as they are, protobuf bodies
 * decoded (400 when malformed). `answer` is what the route returns: `{}` for JSON, an empty
 * `Export…ServiceResponse` (zero bytes, `application/x-protobuf`) for protobuf.
 */
export function otlpBody(signal: OtlpSignal, body: unknown, reply: FastifyReply): { json: unknown; answer(): unknown } {
  if (!Buffer.isBuffer(body)) return { json: body, answer: () => ({}) };
  const json = decodeOtlpProtobuf(signal, body);
  return {
    json,
    answer: () => {
      reply.type(PROTOBUF);
      return Buffer.alloc(0);
    },
  };
}
