import type { FastifyInstance, FastifyRequest } from "fastify";
import * as z from "zod";
import { UnauthorizedError, ValidationError } from "../../common/errors.js";
import { levelsAtLeast, parseJsonLogs } from "../../observe/index.js";
import type { App } from "../../app/app.js";
import { authorize, type Caller, defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";
import { assertJsonDepth } from "../json-depth.js";
import { verifySignature, type WithRawBody } from "./hooks-routes.js";
import { addGzipBodies, addProtobufBodies, answerOtlp } from "./otlp-body.js";

/**
 * Telemetry ingest is allowed with an operator (or admin) token, or without a token when the body
 * carries `X-Pitcrew-Signature: sha256=<HMAC of the raw body>` under `observe.ingest_secret`.
 */
export function authorizeIngest(app: App, req: FastifyRequest, caller: Caller): void {
  if (caller) {
    authorize("operator", caller);
    return;
  }
  const secret = app.config.config.observe.ingest_secret;
  const sig = req.headers["x-pitcrew-signature"] as string | undefined;
  if (secret && verifySignature(secret, (req as WithRawBody).rawBody ?? Buffer.alloc(0), sig)) return;
  throw new UnauthorizedError(
    "ingest needs an operator token or a valid X-Pitcrew-Signature (sha256=<HMAC-SHA256 of the body with observe.ingest_secret>)",
  );
}

const iso = (v: string | undefined, what: string) => {
  if (v === undefined) return undefined;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t)) throw new ValidationError(`invalid query: ${what}: expected ISO-8601 or epoch ms`);
  return t;
};

/** Service logs: JSON-lines and OTLP/HTTP (JSON or protobuf) ingest, and a filtered, cursor-paged search. */
export function logsIngestRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  addProtobufBodies(f); // for /v1/logs, /v1/traces and /v1/metrics
  addGzipBodies(f);
  f.addContentTypeParser("application/x-ndjson", { parseAs: "buffer" }, (req, body, done) => {
    (req as WithRawBody).rawBody = body as Buffer;
    try {
      assertJsonDepth(body as Buffer, app.config.config.limits.json_depth);
    } catch (err) {
      return done(err as Error, undefined);
    }
    done(null, (body as Buffer).toString("utf8"));
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/logs/ingest",
    role: "public",
    summary:
      "Ingest JSON log records (application/x-ndjson or a JSON array); all-or-nothing; operator token or signature",
    tags: ["logs"],
    query: z.object({ service: z.string().min(1).max(200).optional() }),
    handler: async ({ query, body, caller }, req) => {
      authorizeIngest(app, req, caller);
      if (typeof body !== "string" && !Array.isArray(body)) {
        throw new ValidationError("expected application/x-ndjson lines or a JSON array of log records");
      }
      const records = parseJsonLogs(body, { service: query.service ?? "", now: app.clock.now(), source: "http" });
      return { accepted: await app.observation.logs.ingest(records, "http") };
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/v1/logs",
    role: "public",
    summary:
      "OTLP/HTTP logs export, JSON or protobuf (resourceLogs → scopeLogs → logRecords); operator token or signature",
    tags: ["logs"],
    handler: async ({ body, caller }, req, reply) => {
      authorizeIngest(app, req, caller);
      return answerOtlp(app, "logs", body, reply);
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/logs",
    role: "viewer",
    summary: "Search service logs, newest first; `level` means that level or more severe; page with ?cursor=<next>",
    tags: ["logs"],
    query: z.object({
      service: z.string().max(200).optional(),
      level: z.string().max(32).optional(),
      since: z.string().max(40).optional(),
      until: z.string().max(40).optional(),
      traceId: z
        .string()
        .regex(/^[0-9a-fA-F]{32}$/, "32 hex digits")
        .optional(),
      q: z.string().max(500).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      cursor: z.string().max(100).optional(),
    }),
    handler: async ({ query }) => {
      const page = await app.store.logRecords.search({
        ...query,
        levels: query.level ? levelsAtLeast(query.level) : undefined,
        since: iso(query.since, "since"),
        until: iso(query.until, "until"),
        traceId: query.traceId?.toLowerCase(),
      });
      return {
        records: page.records.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
        next: page.next,
      };
    },
  });
}
