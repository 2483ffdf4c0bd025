import type { FastifyInstance, FastifyReply } from "fastify";
import type { App } from "../../app/app.js";
import { decodeOtlpProtobuf, encodeOtlpResponse, type OtlpSignal, otlpResponseJson } from "../../observe/index.js";
import { exportOtlp } from "../otlp-export.js";
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
 * Stores an OTLP/HTTP export body and gives the route its answer: JSON bodies are taken as they
 * are and answered in JSON; protobuf bodies are decoded (400 when malformed) and answered with an
 * `Export…ServiceResponse` in protobuf (`application/x-protobuf`, zero bytes when all was accepted).
 * Refused items are a partial success, as the OTLP specification has it (status 200).
 */
export async function answerOtlp(app: App, signal: OtlpSignal, body: unknown, reply: FastifyReply): Promise<unknown> {
  if (!Buffer.isBuffer(body)) return otlpResponseJson(signal, await exportOtlp(app, signal, body));
  const partial = await exportOtlp(app, signal, decodeOtlpProtobuf(signal, body));
  reply.type(PROTOBUF);
  return Buffer.from(encodeOtlpResponse(signal, partial));
}
