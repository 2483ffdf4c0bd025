import type { FastifyInstance, FastifyRequest } from "fastify";
import * as z from "zod";
import type { App } from "../../app/app.js";
import { UnauthorizedError } from "../../common/errors.js";
import { alertsFromPayload, parseAlertmanagerPayload } from "../../observe/index.js";
import type { Alert } from "../../store/index.js";
import { authorize, type Caller, defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";
import { verifySignature, type WithRawBody } from "./hooks-routes.js";

/** An alert as the API shows it (ISO times). */
export function alertView(a: Alert) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    ...a,
    activeAt: iso(a.activeAt),
    startsAt: iso(a.startsAt),
    endsAt: iso(a.endsAt),
    updatedAt: iso(a.updatedAt),
  };
}

/** Operator (or admin) token, or `X-Pitcrew-Signature: sha256=<HMAC of the raw body>` with `alerts.webhook_secret`. */
function authorizeWebhook(app: App, req: FastifyRequest, caller: Caller): void {
  if (caller) {
    authorize("operator", caller);
    return;
  }
  const secret = app.config.config.alerts.webhook_secret;
  const sig = req.headers["x-pitcrew-signature"] as string | undefined;
  if (secret && verifySignature(secret, (req as WithRawBody).rawBody ?? Buffer.alloc(0), sig)) return;
  throw new UnauthorizedError(
    "the Alertmanager webhook needs an operator token or X-Pitcrew-Signature: sha256=<HMAC-SHA256 of the body with alerts.webhook_secret>",
  );
}

const STATUSES = ["pending", "firing", "resolved"] as const;

/** Alerts: the Alertmanager webhook receiver, and listing what is stored. */
export function alertsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/alerts/alertmanager",
    role: "public",
    summary: "Alertmanager webhook (payload version 4); all-or-nothing; operator token or X-Pitcrew-Signature",
    tags: ["alerts"],
    handler: async ({ body, caller }, req) => {
      authorizeWebhook(app, req, caller);
      const alerts = alertsFromPayload(parseAlertmanagerPayload(body), app.clock.now());
      const changed = await app.observation.alerts.record(alerts);
      return { received: alerts.length, changed: changed.length };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/alerts",
    role: "viewer",
    summary: "Alerts, most recently updated first (filter by status and source)",
    tags: ["alerts"],
    query: z.object({
      status: z.enum(STATUSES).optional(),
      source: z.enum(["alertmanager", "pitcrew-rules"]).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    handler: async ({ query }) => {
      const alerts = await app.store.alerts.list({
        status: query.status ? [query.status] : undefined,
        source: query.source,
        limit: query.limit,
      });
      return { alerts: alerts.map(alertView) };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/alerts/:fingerprint",
    role: "viewer",
    summary: "One alert by fingerprint",
    tags: ["alerts"],
    params: z.object({ fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/) }),
    handler: async ({ params }) => alertView(await app.store.alerts.get(params.fingerprint)),
  });
}
