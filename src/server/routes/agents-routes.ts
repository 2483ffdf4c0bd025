import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Readable } from "node:stream";
import * as z from "zod";
import {
  ACCEPTED_PROTOCOLS,
  adviseHeldStep,
  agentBody,
  DEPENDENCIES_BODY_LIMIT,
  DEPENDENCIES_PROTOCOL,
  dependenciesBody,
  eventsBody,
  FINISH_BODY_LIMIT,
  finishBody,
  heartbeatBody,
  leaseBody,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  recordHeldDependencies,
  registerBody,
  TESTS_BODY_LIMIT,
  testsAdviceBody,
} from "../../agents/index.js";
import { ValidationError } from "../../common/errors.js";
import { AGENT_STATES } from "../../store/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

const leaseParams = z.object({ lease: z.coerce.number().int().positive() });

/**
 * The agent protocol (agents/protocol.ts: agent tokens only, the protocol version checked both
 * ways) and `GET /api/agents` for people.
 */
export function agentsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const hub = app.agents;
  // Every answer under /api/agent/ is in the protocol of its request, one this server accepts
  // (ACCEPTED_PROTOCOLS); a request in another is refused, answered in this server's own.
  f.addHook("onRequest", async (req, reply) => {
    if (!req.url.startsWith("/api/agent/")) return;
    const theirs = req.headers[PROTOCOL_HEADER];
    const accepted = ACCEPTED_PROTOCOLS.find((v) => theirs === String(v));
    reply.header(PROTOCOL_HEADER, String(accepted ?? PROTOCOL_VERSION));
    if (accepted === undefined)
      throw new ValidationError(
        `this server speaks agent protocol ${ACCEPTED_PROTOCOLS.slice(0, -1).join(", ")} or ${ACCEPTED_PROTOCOLS.at(-1)}; the agent sent ${theirs === undefined ? "no " + PROTOCOL_HEADER + " header" : `protocol ${String(theirs).slice(0, 20)}`}: upgrade one of them`,
      );
  });
  f.addContentTypeParser("application/octet-stream", (_req, payload, done) => done(null, payload));

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/agents",
    role: "viewer",
    summary:
      "Registered agents: state, labels, capacity, running jobs, last heartbeat; and the jobs offered to them that wait, each with the scheduler's reason",
    tags: ["agents"],
    query: z.object({ state: z.enum(AGENT_STATES).optional() }),
    handler: async ({ query }) => {
      const agents = await app.store.agents.list(query.state ? [query.state] : undefined);
      const leases = await app.store.agents.runningLeases();
      return {
        agents: agents.map((a) => ({
          id: a.id,
          name: a.name,
          state: a.state,
          labels: a.labels,
          capacity: a.capacity,
          concurrency: a.concurrency,
          version: a.version,
          registeredAt: new Date(a.registeredAt).toISOString(),
          lastHeartbeatAt: new Date(a.lastHeartbeatAt).toISOString(),
          runningJobs: leases
            .filter((l) => l.agentId === a.id)
            .map((l) => ({
              jobId: l.jobId,
              runId: l.runId,
              key: l.key,
              attempt: l.attempt,
              lease: l.id,
              since: new Date(l.leasedAt).toISOString(),
            })),
        })),
        waiting: await hub.waiting(),
      };
    },
  });
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/agent/register",
    role: "agent",
    summary: "Agent protocol: register with labels, capacity and concurrency",
    tags: ["agents"],
    body: registerBody,
    handler: async ({ body, caller }) => {
      const agent = await hub.register(caller!, body);
      return { agentId: agent.id, leaseMs: app.config.config.agents.lease };
    },
  });
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/agent/lease",
    role: "agent",
    summary: "Agent protocol: wait (long-poll, up to waitMs) for a job; 204 when none came",
    tags: ["agents"],
    body: leaseBody,
    handler: async ({ body, caller }, req, reply) => {
      const agent = await hub.agentOf(caller!, body.agentId);
      // the agent went away mid-wait: the response closed before it was sent (a request's own
      // "close" fires as soon as its body was read, so it cannot tell)
      const gone = new AbortController();
      reply.raw.once("close", () => {
        if (!reply.raw.writableFinished) gone.abort();
      });
      const a = await hub.lease(agent, body.waitMs, gone.signal, Number(req.headers[PROTOCOL_HEADER]));
      if (a && gone.signal.aborted) {
        // nobody is left to receive it: hand the job back at once instead of holding it unseen
        await hub.release(agent, a.lease);
        return reply.status(204).send();
      }
      return a ?? reply.status(204).send();
    },
  });
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/agent/heartbeat",
    role: "agent",
    summary: "Agent protocol: heartbeat; answers which held jobs to cancel or drop",
    tags: ["agents"],
    body: heartbeatBody,
    handler: async ({ body, caller }) => hub.heartbeat(await hub.agentOf(caller!, body.agentId), body.leases),
  });
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/agent/drain",
    role: "agent",
    summary: "Agent protocol: the agent leases no more jobs (SIGTERM)",
    tags: ["agents"],
    body: agentBody,
    handler: async ({ body, caller }, _req, reply) => {
      await hub.drain(await hub.agentOf(caller!, body.agentId));
      return reply.status(204).send();
    },
  });
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/agent/deregister",
    role: "agent",
    summary: "Agent protocol: the agent stopped; jobs it still holds are queued again",
    tags: ["agents"],
    body: agentBody,
    handler: async ({ body, caller }, _req, reply) => {
      await hub.deregister(await hub.agentOf(caller!, body.agentId));
      return reply.status(204).send();
    },
  });
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/agent/jobs/:lease/events",
    role: "agent",
    summary: "Agent protocol: a numbered batch of step events and output lines of a held job (409 if not held)",
    tags: ["agents"],
    params: leaseParams,
    body: eventsBody,
    handler: async ({ params, body, caller }) =>
      hub.events(await hub.agentOf(caller!, body.agentId), params.lease, body.seq, body.events),
  });
  defineRoute(f, paths, {
    method: "GET",
    url: "/api/agent/jobs/:lease/source",
    role: "agent",
    summary: "Agent protocol: the tar archive of a held job's commit",
    tags: ["agents"],
    params: leaseParams,
    query: z.object({ agentId: z.coerce.number().int().positive() }),
    produces: "application/x-tar",
    handler: async ({ params, query, caller }, _req, reply) => {
      const archive = await hub.source(await hub.agentOf(caller!, query.agentId), params.lease);
      return reply.type("application/x-tar").send(archive.createReadStream()); // closes the handle when done
    },
  });
  defineRoute(f, paths, {
    method: "PUT",
    url: "/api/agent/jobs/:lease/files",
    role: "agent",
    summary: "Agent protocol: upload one output file (artifact or report) of a held job, raw body",
    tags: ["agents"],
    params: leaseParams,
    query: z.object({ agentId: z.coerce.number().int().positive(), path: z.string().min(1).max(4096) }),
    handler: async ({ params, query, caller }, req: FastifyRequest, reply) => {
      const held = await hub.heldBy(await hub.agentOf(caller!, query.agentId), params.lease);
      if (!req.body || typeof (req.body as Readable).pipe !== "function")
        throw new ValidationError("send the file as the raw body with content-type application/octet-stream");
      const size = await held.receive(query.path, req.body as Readable);
      return reply.status(201).send({ path: query.path, size });
    },
  });
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/agent/jobs/:lease/tests",
    role: "agent",
    summary:
      "Agent protocol (2): the order, selection and flaky tests of a held job's tests: step, from the project's history, given the test files the agent matched",
    tags: ["agents"],
    params: leaseParams,
    body: testsAdviceBody,
    bodyLimit: Math.max(app.config.config.server.body_limit, TESTS_BODY_LIMIT),
    handler: async ({ params, body, caller }) => {
      const held = await hub.heldBy(await hub.agentOf(caller!, body.agentId), params.lease);
      return adviseHeldStep(app.runner, held, body.step, body.testFiles);
    },
  });
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/agent/jobs/:lease/dependencies",
    role: "agent",
    summary:
      "Agent protocol (3): the dependency map (test file → repository files executed) a held job's tests: step with coverage: true reduced from its V8 coverage; checked, and recorded for trusted runs only",
    tags: ["agents"],
    params: leaseParams,
    body: dependenciesBody,
    bodyLimit: Math.max(app.config.config.server.body_limit, DEPENDENCIES_BODY_LIMIT),
    handler: async ({ params, body, caller }, req) => {
      const protocol = Number(req.headers[PROTOCOL_HEADER]);
      if (protocol < DEPENDENCIES_PROTOCOL)
        throw new ValidationError(
          `dependency maps are agent protocol ${DEPENDENCIES_PROTOCOL}; the agent sent ${protocol}`,
        );
      const held = await hub.heldBy(await hub.agentOf(caller!, body.agentId), params.lease);
      return recordHeldDependencies(app.runner, held, body);
    },
  });
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/agent/jobs/:lease/finish",
    role: "agent",
    summary: "Agent protocol: a held job ended; its uploaded outputs are stored and the attempt ends",
    tags: ["agents"],
    params: leaseParams,
    body: finishBody,
    bodyLimit: Math.max(app.config.config.server.body_limit, FINISH_BODY_LIMIT),
    handler: async ({ params, body, caller }, _req, reply) => {
      const { agentId, ...outcome } = body;
      await hub.finish(await hub.agentOf(caller!, agentId), params.lease, outcome);
      return reply.status(204).send();
    },
  });
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/agent/jobs/:lease/release",
    role: "agent",
    summary: "Agent protocol: hand a held job back; it is queued again for another agent",
    tags: ["agents"],
    params: leaseParams,
    body: agentBody,
    handler: async ({ params, body, caller }, _req, reply) => {
      await hub.release(await hub.agentOf(caller!, body.agentId), params.lease);
      return reply.status(204).send();
    },
  });
}
