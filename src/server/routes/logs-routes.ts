import type { FastifyInstance } from "fastify";
import * as z from "zod";
import type { BusMessage, LiveLogLine } from "../../events/index.js";
import { isFinished } from "../../store/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";
import { openSse, REPLAY_BACKLOG_LIMIT } from "../sse.js";

/** Stored lines read per query while replaying a log stream. */
const REPLAY_PAGE = 1000;

const params = z.object({ id: z.coerce.number().int().positive() });

/** Step logs of a run: a page of stored lines, and a live SSE stream (replay, then follow). */
export function logsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store, bus } = app;

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/runs/:id/logs",
    role: "viewer",
    summary: "Stored log lines of a run's jobs (current attempt), paged per job with ?after=<seq>",
    tags: ["logs"],
    params,
    query: z.object({
      job: z.string().optional(),
      after: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(10_000).default(5000),
    }),
    handler: async ({ params, query }) => {
      const jobs = (await store.jobs.listForRun(params.id)).filter(
        (j) => !query.job || j.key === query.job || String(j.id) === query.job,
      );
      const out = [];
      for (const j of jobs) {
        const lines = await store.logs.list(j.id, j.attempt, query.after, query.limit);
        out.push({
          jobId: j.id,
          key: j.key,
          attempt: j.attempt,
          lines: lines.map((l) => ({
            seq: l.seq,
            step: l.stepIdx,
            stream: l.stream,
            line: l.line,
            at: new Date(l.at).toISOString(),
          })),
        });
      }
      return { runId: params.id, jobs: out };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/runs/:id/logs/stream",
    role: "viewer",
    summary: "Server-Sent Events: `line` events (stored ones first, then live), `end` when the run finishes",
    tags: ["logs"],
    params,
    produces: "text/event-stream",
    handler: async ({ params }, req, reply) => {
      const run = await store.runs.get(params.id);
      const sse = openSse(req, reply, { maxBufferedBytes: app.config.config.limits.sse_buffer_bytes });
      const seen = new Map<string, number>();
      const key = (l: { jobId: number; attempt: number }) => `${l.jobId}:${l.attempt}`;
      const emit = (l: LiveLogLine): boolean => {
        if ((seen.get(key(l)) ?? 0) >= l.seq) return true;
        seen.set(key(l), l.seq);
        return sse.send("line", {
          jobId: l.jobId,
          attempt: l.attempt,
          step: l.stepIdx,
          seq: l.seq,
          stream: l.stream,
          line: l.line,
        });
      };
      const buffered: BusMessage[] = [];
      let live = false;
      let ended = false;
      const end = (status: string) => {
        if (ended) return;
        ended = true;
        sse.send("end", { runId: run.id, status });
        sse.close();
      };
      const onMessage = (m: BusMessage) => {
        const line = m.kind === "log" && m.log.runId === run.id;
        const finished = m.kind === "event" && m.event.type === "run.finished" && m.event.data.runId === run.id;
        if (!line && !finished) return;
        if (!live) {
          buffered.push(m);
          if (buffered.length > REPLAY_BACKLOG_LIMIT) sse.close();
          return;
        }
        if (m.kind === "log") void emit(m.log);
        else if (m.kind === "event" && m.event.type === "run.finished") end(m.event.data.status);
      };
      const unsubscribe = bus.subscribe(onMessage);
      try {
        // Replay page by page, waiting while the client reads, so a slow reader costs one page.
        for (const j of await store.jobs.listForRun(run.id)) {
          for (let after = 0; sse.isOpen(); ) {
            const page = await store.logs.list(j.id, j.attempt, after, REPLAY_PAGE);
            for (const l of page) if (!emit({ ...l, runId: run.id })) await sse.drained();
            if (page.length < REPLAY_PAGE) break;
            after = page.at(-1)!.seq;
          }
        }
        live = true;
        for (const m of buffered.splice(0)) onMessage(m);
        const now = await store.runs.get(run.id);
        if (isFinished(now.status)) end(now.status);
        await sse.closed;
      } finally {
        unsubscribe();
      }
    },
  });
}
