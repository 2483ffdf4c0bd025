import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { matchesSubjectFilter } from "../../common/subject-filter.js";
import type { BusMessage, DomainEvent } from "../../events/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";
import { openSse, REPLAY_BACKLOG_LIMIT } from "../sse.js";

const query = z.object({
  after: z.coerce.number().int().min(0).optional(),
  subject: z.string().max(200).optional(),
  type: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

/** The event log: a page of stored events and a live SSE stream resumable with Last-Event-ID. */
export function eventsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const iso = (e: DomainEvent) => ({ ...e, at: new Date(e.at).toISOString() });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/events",
    role: "viewer",
    summary:
      "Stored domain events after ?after=<id>, oldest first (filter by subject — `run:42`, or a group such as `run` — or by type)",
    tags: ["events"],
    query,
    handler: async ({ query: q }) => {
      const page = await app.events.page({ afterId: q.after, subjectPrefix: q.subject, type: q.type, limit: q.limit });
      return { events: page.events.map(iso), next: page.more ? `?after=${page.lastId}` : null };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/events/stream",
    role: "viewer",
    summary: "Server-Sent Events of domain events; replays after ?after= or Last-Event-ID, then follows live",
    tags: ["events"],
    query,
    produces: "text/event-stream",
    handler: async ({ query: q }, req, reply) => {
      const lastId = Number(req.headers["last-event-id"] ?? q.after ?? Number.NaN);
      const sse = openSse(req, reply, { maxBufferedBytes: app.config.config.limits.sse_buffer_bytes });
      const matches = (e: DomainEvent) =>
        (!q.subject || matchesSubjectFilter(e.subject, q.subject)) && (!q.type || e.type === q.type);
      // -1: no replay asked, follow live only.
      let cursor = Number.isFinite(lastId) ? lastId : -1;
      const buffered: DomainEvent[] = [];
      let live = false;
      const send = (e: DomainEvent): boolean => {
        if (e.id <= cursor) return true;
        cursor = e.id;
        return matches(e) ? sse.send(e.type, iso(e), e.id) : true;
      };
      const unsubscribe = app.bus.subscribe((m: BusMessage) => {
        if (m.kind !== "event") return;
        if (live) void send(m.event);
        else if (matches(m.event)) {
          buffered.push(m.event);
          if (buffered.length > REPLAY_BACKLOG_LIMIT) sse.close();
        }
      });
      try {
        while (cursor >= 0 && sse.isOpen()) {
          const page = await app.events.page({ afterId: cursor, limit: 1000 });
          for (const e of page.events) if (!send(e)) await sse.drained();
          if (!page.more) break;
          cursor = Math.max(cursor, page.lastId ?? cursor);
        }
        live = true;
        for (const e of buffered.splice(0)) void send(e);
        await sse.closed;
      } finally {
        unsubscribe();
      }
    },
  });
}
