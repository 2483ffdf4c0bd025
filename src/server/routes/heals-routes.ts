import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { ConflictError, NotFoundError } from "../../common/errors.js";
import { HEAL_STATES } from "../../heal/index.js";
import type { Heal } from "../../store/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";
import { idPageQuery, nextIdCursor } from "./id-page.js";

const iso = (t: number | null) => (t == null ? null : new Date(t).toISOString());
const id = z.object({ id: z.coerce.number().int().positive() });

/** A heal as the API shows it (ISO times). */
export function healView(h: Heal) {
  return {
    ...h,
    detectedAt: iso(h.detectedAt),
    stateSince: iso(h.stateSince),
    resolvedAt: iso(h.resolvedAt),
    createdAt: iso(h.createdAt),
    updatedAt: iso(h.updatedAt),
  };
}

/** Heals: list, show with timeline, the heal of an incident, retry and escalate. */
export function healsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store } = app;
  const withTimeline = async (h: Heal) => ({
    ...healView(h),
    timeline: (await store.heals.timeline(h.id)).map((e) => ({ ...e, at: iso(e.at) })),
  });
  const orchestrator = () => {
    const o = app.healing;
    if (!o) throw new ConflictError("the healing loop is not running (heal.enabled: false?)");
    return o;
  };

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/heals",
    role: "viewer",
    summary: "Heals (one per incident), newest first; filter by state and service; page with ?cursor=<next>",
    tags: ["heals"],
    query: z.object({
      state: z.enum(HEAL_STATES).optional(),
      service: z.string().max(200).optional(),
      ...idPageQuery,
    }),
    handler: async ({ query }) => {
      const list = await store.heals.list({ ...query, beforeId: query.cursor });
      return { heals: list.map(healView), next: nextIdCursor(list, query.limit) };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/heals/:id",
    role: "viewer",
    summary: "A heal with its timeline of transitions",
    tags: ["heals"],
    params: id,
    handler: async ({ params }) => withTimeline(await store.heals.get(params.id)),
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/incidents/:id/heal",
    role: "viewer",
    summary: "The heal of an incident with its timeline (404 when none was started)",
    tags: ["heals"],
    params: id,
    handler: async ({ params }) => {
      const heal = await store.heals.findByIncident(params.id);
      if (!heal) throw new NotFoundError("heal of incident", params.id);
      return withTimeline(heal);
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/heals/:id/retry",
    role: "operator",
    summary: "Retry a failed or escalated heal from diagnosis with a fresh attempt budget (409 otherwise)",
    tags: ["heals"],
    params: id,
    handler: async ({ params, caller }) => healView(await orchestrator().retry(params.id, `token:${caller!.name}`)),
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/heals/:id/escalate",
    role: "operator",
    summary: "Hand an active heal to a person, with a reason (409 when it is already final)",
    tags: ["heals"],
    params: id,
    body: z.object({ reason: z.string().min(1).max(2000) }).strict(),
    handler: async ({ params, body, caller }) =>
      healView(await orchestrator().escalate(params.id, `token:${caller!.name}`, body.reason)),
  });
}
