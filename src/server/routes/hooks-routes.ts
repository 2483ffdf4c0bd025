import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import * as z from "zod";
import { NotFoundError, UnauthorizedError, ValidationError } from "../../common/errors.js";
import { signedTime, verifyGitHubSignature } from "../../forge/index.js";
import { type TriggerRequest, triggerRun } from "../../runner/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

const ZERO = /^0+$/;
const sha = z.string().regex(/^[0-9a-f]{40}$/, "a 40-hex commit SHA");
const pushPayload = z.object({
  ref: z.string().max(1024),
  before: z.string().max(64).optional(),
  after: z.string().max(64),
  deleted: z.boolean().optional(),
  /** GitHub: `pushed_at` in epoch seconds, the signed send time replay protection checks. */
  repository: z.object({ pushed_at: z.number().nonnegative().optional() }).optional(),
});
const repoRef = z.object({ full_name: z.string().max(512) }).nullish();
const prPayload = z.object({
  action: z.string().max(64),
  number: z.number().int().positive().optional(),
  pull_request: z.object({
    head: z.object({ ref: z.string().max(1024), sha, repo: repoRef }),
    base: z.object({ ref: z.string().max(1024), repo: repoRef }),
    updated_at: z.string().max(64).optional(),
  }),
});
/** Compared against when the hook name is unknown, so both answers take the same path and time. */
const NO_SECRET = randomBytes(32).toString("hex");
const BAD_SIGNATURE = "webhook signature missing or invalid (X-Hub-Signature-256: sha256=<hmac of the body>)";

/** The raw request body, kept by the JSON parser for signature checks. */
export type WithRawBody = FastifyRequest & { rawBody?: Buffer };

/** Verifies a `sha256=<hex>` HMAC of the raw body in constant time (GitHub's scheme, shared with the forge). */
export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  return verifyGitHubSignature(body, header, secret);
}

/**
 * Git webhooks (GitHub-compatible `push` and `pull_request` payloads; Gitea/Forgejo send the
 * same shape):
 *
 *   unknown hook name, no webhook secret, bad signature ─► the same 401 (names are not revealed)
 *   ping ─► ok
 *   push | pull_request ─► replay guard (409 for a delivery already received or signed too long
 *       ago) ─► run triggered (201) or skipped (200); a pull request from a fork has its head
 *       fetched into the mirror (`refs/pull/<number>/head`) and runs as `fork` (runner/trust.ts)
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
      const project = await app.store.projects.resolve(params.project).catch((err: unknown) => {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      });
      const raw = (req as WithRawBody).rawBody ?? Buffer.alloc(0);
      const sig = (req.headers["x-hub-signature-256"] ?? req.headers["x-pitcrew-signature"]) as string | undefined;
      const valid = verifySignature(project?.webhookSecret ?? NO_SECRET, raw, sig);
      if (!project?.webhookSecret || !valid || !sig) throw new UnauthorizedError(BAD_SIGNATURE);
      const kind = String(
        req.headers["x-github-event"] ?? req.headers["x-gitea-event"] ?? req.headers["x-pitcrew-event"] ?? "",
      );
      if (kind === "ping") return { ok: true };
      const delivery = (req.headers["x-github-delivery"] ??
        req.headers["x-gitea-delivery"] ??
        req.headers["x-pitcrew-delivery"]) as string | undefined;
      const once = (sentAt: number | undefined) =>
        app.replay.accept({ receiver: `project:${project.id}`, id: delivery, signature: sig, sentAt });
      let start: { request: TriggerRequest; sentAt?: number } | { skipped: string };
      if (kind === "push") start = pushRun(parse(pushPayload, body));
      else if (kind === "pull_request") start = pullRequestRun(parse(prPayload, body));
      else throw new ValidationError(`unsupported webhook event '${kind}' (expected push, pull_request or ping)`);
      if ("skipped" in start) return start;
      const forget = await once(start.sentAt);
      const res = await triggerRun(app.runner, project.id, start.request).catch(async (err: unknown) => {
        await forget();
        throw err;
      });
      return reply
        .status(res.run ? 201 : 200)
        .send(res.run ? { runId: res.run.id, number: res.run.number } : { skipped: res.skipped });
    },
  });
}

/** The run a push delivery asks for, or why none. */
function pushRun(p: z.output<typeof pushPayload>): { request: TriggerRequest; sentAt?: number } | { skipped: string } {
  if (!p.ref.startsWith("refs/heads/")) return { skipped: `not a branch push: ${p.ref}` };
  if (p.deleted || ZERO.test(p.after)) return { skipped: "branch deleted" };
  const pushedAt = p.repository?.pushed_at;
  return {
    request: {
      event: "push",
      branch: p.ref.slice("refs/heads/".length),
      commit: parse(sha, p.after),
      before: p.before && !ZERO.test(p.before) ? p.before : undefined,
      triggeredBy: "webhook:push",
    },
    sentAt: pushedAt === undefined ? undefined : pushedAt * 1000,
  };
}

/** The run a pull_request delivery asks for, or why none; a head in another repository is a fork. */
function pullRequestRun(
  p: z.output<typeof prPayload>,
): { request: TriggerRequest; sentAt?: number } | { skipped: string } {
  if (!["opened", "synchronize", "reopened"].includes(p.action)) return { skipped: `pull request ${p.action}` };
  const { head, base } = p.pull_request;
  const fork = head.repo === null || (head.repo !== undefined && head.repo.full_name !== base.repo?.full_name);
  if (fork && p.number === undefined)
    throw new ValidationError("invalid webhook payload: number: a pull request from a fork needs its number");
  return {
    request: {
      event: "pull_request",
      branch: head.ref,
      commit: head.sha,
      baseBranch: base.ref,
      pullRequest: p.number === undefined ? undefined : { number: p.number, fork },
      triggeredBy: "webhook:pull_request",
    },
    sentAt: signedTime(p.pull_request.updated_at),
  };
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
