import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { UnauthorizedError, ValidationError } from "../../common/errors.js";
import { verifyGitHubSignature } from "../../forge/index.js";
import { triggerRun } from "../../runner/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

const ZERO = /^0+$/;
const sha = z.string().regex(/^[0-9a-f]{40}$/, "a 40-hex commit SHA");
const pushPayload = z.object({
  ref: z.string().max(1024),
  before: z.string().max(64).optional(),
  after: z.string().max(64),
  deleted: z.boolean().optional(),
});
const prPayload = z.object({
  action: z.string().max(64),
  pull_request: z.object({
    head: z.object({ ref: z.string().max(1024), sha }),
    base: z.object({ ref: z.string().max(1024) }),
  }),
});

/** The raw request body, kept by the JSON parser for signature checks. */
export type WithRawBody = FastifyRequest & { rawBody?: Buffer };

/** Verifies a `sha256=<hex>` HMAC of the raw body in constant time (GitHub's scheme, shared with the forge). */
export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  return verifyGitHubSignature(body, header, secret);
}

/**
 * Git webhooks (GitHub-compatible `push` and `pull_request` payloads; Gitea/Forgejo send the
 * same shape): signature checked with the project's webhook secret, then a run is triggered.
 */
export function hooksRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  defineRoute(f, paths, {
    method: "POST",
    url: "/api/hooks/:project",
    role: "public",
    summary: "Receive a push / pull_request webhook (X-Hub-Signature-256 HMAC required)",
    tags: ["hooks"],
    params: z.object({ project: z.string().min(1).max(128) }),
    handler: async ({ params, body }, req, reply) => {
      const project = await app.store.projects.resolve(params.project);
      const raw = (req as WithRawBody).rawBody ?? Buffer.alloc(0);
      const sig = (req.headers["x-hub-signature-256"] ?? req.headers["x-pitcrew-signature"]) as string | undefined;
      if (!project.webhookSecret || !verifySignature(project.webhookSecret, raw, sig)) {
        throw new UnauthorizedError(
          "webhook signature missing or invalid (X-Hub-Signature-256: sha256=<hmac of the body>)",
        );
      }
      const kind = String(
        req.headers["x-github-event"] ?? req.headers["x-gitea-event"] ?? req.headers["x-pitcrew-event"] ?? "",
      );
      if (kind === "ping") return { ok: true };
      if (kind === "push") {
        const p = parse(pushPayload, body);
        if (!p.ref.startsWith("refs/heads/")) return { skipped: `not a branch push: ${p.ref}` };
        if (p.deleted || ZERO.test(p.after)) return { skipped: "branch deleted" };
        const res = await triggerRun(app.runner, project.id, {
          event: "push",
          branch: p.ref.slice("refs/heads/".length),
          commit: parse(sha, p.after),
          before: p.before && !ZERO.test(p.before) ? p.before : undefined,
          triggeredBy: "webhook:push",
        });
        return reply
          .status(res.run ? 201 : 200)
          .send(res.run ? { runId: res.run.id, number: res.run.number } : { skipped: res.skipped });
      }
      if (kind === "pull_request") {
        const p = parse(prPayload, body);
        if (!["opened", "synchronize", "reopened"].includes(p.action)) return { skipped: `pull request ${p.action}` };
        const res = await triggerRun(app.runner, project.id, {
          event: "pull_request",
          branch: p.pull_request.head.ref,
          commit: p.pull_request.head.sha,
          baseBranch: p.pull_request.base.ref,
          triggeredBy: "webhook:pull_request",
        });
        return reply
          .status(res.run ? 201 : 200)
          .send(res.run ? { runId: res.run.id, number: res.run.number } : { skipped: res.skipped });
      }
      throw new ValidationError(`unsupported webhook event '${kind}' (expected push, pull_request or ping)`);
    },
  });
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new ValidationError(
      `invalid webhook payload: ${r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`,
    );
  }
  return r.data;
}
