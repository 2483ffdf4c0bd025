import { createGunzip, type Gunzip } from "node:zlib";
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
 * Accepts OTLP/HTTP bodies sent with `Content-Encoding: gzip` (what the OpenTelemetry Collector
 * sends by default, and SDKs with `OTEL_EXPORTER_OTLP_COMPRESSION=gzip`) on `/v1/*`: they are
 * inflated before parsing, and `server.body_limit` bounds the inflated size (413 past it).
 */
export function addGzipBodies(f: FastifyInstance): void {
  f.addHook("preParsing", async (req, _reply, payload) => {
    if (!req.url.startsWith("/v1/") || req.headers["content-encoding"] !== "gzip") return payload;
    const inflated: Gunzip & { receivedEncodedLength?: number } = createGunzip();
    // Fastify compares Content-Length with the bytes received, which are the compressed ones
    inflated.receivedEncodedLength = 0;
    payload.on("data", (chunk: Buffer) => {
      inflated.receivedEncodedLength = (inflated.receivedEncodedLength ?? 0) + chunk.length;
    });
    payload.on("error", (err) => inflated.destroy(err));
    inflated.on("error", (err: Error & { statusCode?: number }) => {
      err.statusCode ??= 400;
    });
    return payload.pipe(inflated);
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
