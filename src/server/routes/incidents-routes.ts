import type { FastifyInstance } from "fastify";
import * as z from "zod";
import type { Incident } from "../../store/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";
import { idPageQuery, nextIdCursor } from "./id-page.js";

const iso = (t: number | null) => (t == null ? null : new Date(t).toISOString());
const id = z.object({ id: z.coerce.number().int().positive() });
const note = z
  .object({ note: z.string().max(2000).optional() })
  .strict()
  .optional();

/** An incident as the API shows it (ISO times). */
export function incidentView(i: Incident) {
  return {
    ...i,
    openedAt: iso(i.openedAt),
    lastSignalAt: iso(i.lastSignalAt),
    acknowledgedAt: iso(i.acknowledgedAt),
    resolvedAt: iso(i.resolvedAt),
    updatedAt: iso(i.updatedAt),
  };
}

/** Incidents: list, show with signals and timeline, acknowledge, resolve. */
export function incidentsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store } = app;
  defineRoute(f, paths, {
    method: "GET",
    url: "/api/incidents",
    role: "viewer",
    summary: "Incidents, newest first; filter by status and by a service among their signals; page with ?cursor=<next>",
    tags: ["incidents"],
    query: z.object({
      status: z.enum(["open", "acknowledged", "resolved"]).optional(),
      service: z.string().max(200).optional(),
      ...idPageQuery,
    }),
    handler: async ({ query }) => {
      const list = await store.incidents.list({ ...query, beforeId: query.cursor });
      return { incidents: list.map(incidentView), next: nextIdCursor(list, query.limit) };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/incidents/:id",
    role: "viewer",
    summary: "An incident with its signals and its timeline of signals and transitions",
    tags: ["incidents"],
    params: id,
    handler: async ({ params }) => {
      const incident = await store.incidents.get(params.id);
      const [signals, timeline] = await Promise.all([
        store.incidents.signals(params.id),
        store.incidents.timeline(params.id),
      ]);
      return {
        ...incidentView(incident),
        signals: signals.map((s) => ({ ...s, at: iso(s.at) })),
        timeline: timeline.map((e) => ({ ...e, at: iso(e.at) })),
      };
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/incidents/:id/ack",
    role: "operator",
    summary: "Acknowledge an open incident (409 when it is not open)",
    tags: ["incidents"],
    params: id,
    body: note,
    handler: async ({ params, caller }) =>
      incidentView(await app.incidents.acknowledge(params.id, `token:${caller!.name}`)),
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/incidents/:id/resolve",
    role: "operator",
    summary: "Resolve an open or acknowledged incident (409 when already resolved)",
    tags: ["incidents"],
    params: id,
    body: note,
    handler: async ({ params, body, caller }) =>
      incidentView(await app.incidents.resolve(params.id, `token:${caller!.name}`, body?.note)),
  });
}
