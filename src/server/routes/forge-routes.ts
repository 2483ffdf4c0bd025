import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { ValidationError } from "../../common/errors.js";
import { GitHubForge } from "../../forge/index.js";
import type { PullRequest } from "../../store/index.js";
import { type Caller, defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";
import type { WithRawBody } from "./hooks-routes.js";

const iso = (t: number | null) => (t == null ? null : new Date(t).toISOString());
const repoParam = z.object({ repo: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/) });
const prParam = repoParam.extend({ number: z.coerce.number().int().positive() });
const who = (caller: Caller) => caller?.name ?? "anonymous";

/** A pull request as the API shows it (ISO times). */
export function pullRequestView(pr: PullRequest) {
  return {
    ...pr,
    createdAt: iso(pr.createdAt),
    updatedAt: iso(pr.updatedAt),
    closedAt: iso(pr.closedAt),
  };
}

/** Forge pull requests: list, show (with diff, commits, comments, checks), comment, merge, close; GitHub webhooks. */
export function forgeRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { forge } = app;

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/forge/webhook",
    role: "public",
    summary: "Receive GitHub pull_request webhooks for the GitHub forge (X-Hub-Signature-256 HMAC required)",
    tags: ["forge"],
    handler: async (_input, req) => {
      if (!(forge instanceof GitHubForge))
        throw new ValidationError("forge webhooks need the GitHub forge (config: forge.driver: github)");
      return forge.receiveWebhook((req as WithRawBody).rawBody ?? Buffer.alloc(0), {
        event: req.headers["x-github-event"] as string | undefined,
        signature: req.headers["x-hub-signature-256"] as string | undefined,
        delivery: req.headers["x-github-delivery"] as string | undefined,
      });
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/forge/:repo/pulls",
    role: "viewer",
    summary: "List a forge repository's pull requests, newest first",
    tags: ["forge"],
    params: repoParam,
    query: z.object({ state: z.enum(["open", "merged", "closed"]).optional() }),
    handler: async ({ params, query }) => ({
      pullRequests: (await forge.listPullRequests({ repo: params.repo, state: query.state })).map(pullRequestView),
    }),
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/forge/:repo/pulls/:number",
    role: "viewer",
    summary: "Show a pull request with its diff, commits, comments and checks",
    tags: ["forge"],
    params: prParam,
    handler: async ({ params }) => {
      const pr = await forge.getPullRequest(params.repo, params.number);
      return {
        ...pullRequestView(pr),
        diff: await forge.diff(pr),
        commits: await forge.commits(pr),
        comments: (await forge.listComments(pr)).map((c) => ({ ...c, createdAt: iso(c.createdAt) })),
        checks: (await forge.listChecks(pr)).map((c) => ({ ...c, updatedAt: iso(c.updatedAt) })),
      };
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/forge/:repo/pulls/:number/comments",
    role: "operator",
    summary: "Comment on a pull request",
    tags: ["forge"],
    params: prParam,
    body: z.object({ body: z.string().min(1).max(65_536) }),
    handler: async ({ params, body, caller }) => {
      const pr = await forge.getPullRequest(params.repo, params.number);
      const c = await forge.addComment(pr, { author: who(caller), body: body.body });
      return { ...c, createdAt: iso(c.createdAt) };
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/forge/:repo/pulls/:number/merge",
    role: "operator",
    summary: "Merge a pull request (protected branches need their required checks green)",
    tags: ["forge"],
    params: prParam,
    body: z.object({ method: z.enum(["fast-forward", "squash"]).default("squash") }),
    handler: async ({ params, body, caller }) => {
      const pr = await forge.getPullRequest(params.repo, params.number);
      return pullRequestView(await forge.merge(pr, { method: body.method, by: who(caller) }));
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/forge/:repo/pulls/:number/close",
    role: "operator",
    summary: "Close a pull request without merging",
    tags: ["forge"],
    params: prParam,
    handler: async ({ params, caller }) => {
      const pr = await forge.getPullRequest(params.repo, params.number);
      return pullRequestView(await forge.close(pr, who(caller)));
    },
  });
}
