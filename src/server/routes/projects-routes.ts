import { NotFoundError } from "../../common/errors.js";
import type { FastifyInstance } from "fastify";
import * as z from "zod";
import type { Project } from "../../store/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

const projectRef = z.object({ project: z.string().min(1).max(128) });
const secretRef = projectRef.extend({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "an environment variable name"),
});
/** Branch names or `*` globs (no `!` exclusions): protected besides the default branch. */
const protectedBranches = z
  .array(z.string().regex(/^[A-Za-z0-9._/*-]{1,255}$/, "a branch name or glob (letters, digits, . _ / - *)"))
  .max(64);

/** Project as the API shows it (never the webhook secret). */
function projectView(p: Project) {
  return {
    id: p.id,
    name: p.name,
    repoUrl: p.repoUrl,
    defaultBranch: p.defaultBranch,
    pipelinePath: p.pipelinePath,
    sandbox: p.sandbox,
    trustPullRequests: p.trustPullRequests,
    protectedBranches: p.protectedBranches,
    pollIntervalMs: p.pollIntervalMs,
    webhook: p.webhookSecret ? `/api/hooks/${p.name}` : null,
    createdAt: new Date(p.createdAt).toISOString(),
  };
}

/** Projects and their secrets. */
export function projectsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store } = app;
  defineRoute(f, paths, {
    method: "GET",
    url: "/api/projects",
    role: "viewer",
    summary: "All projects",
    tags: ["projects"],
    handler: async () => ({ projects: (await store.projects.list()).map(projectView) }),
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/projects/:project",
    role: "viewer",
    summary: "One project (by id or name)",
    tags: ["projects"],
    params: projectRef,
    handler: async ({ params }) => projectView(await store.projects.resolve(params.project)),
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/projects",
    role: "admin",
    summary: "Register a repository (local path or git URL) as a project",
    tags: ["projects"],
    body: z
      .object({
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "letters, digits, . _ - (max 64)"),
        repoUrl: z
          .string()
          .min(1)
          .max(2048)
          .refine(
            (u) => !u.startsWith("-") && !/^ext::/i.test(u),
            "must not start with '-' or use the ext:: transport",
          ),
        defaultBranch: z.string().min(1).max(255).default("main"),
        pipelinePath: z
          .string()
          .max(512)
          .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "a relative path inside the repository")
          .default(".pitcrew/pipeline.yaml"),
        sandbox: z.boolean().default(true),
        pollIntervalMs: z.number().int().min(0).default(0),
        webhookSecret: z.string().min(16).max(256).optional(),
        trustPullRequests: z.boolean().default(false),
        protectedBranches: protectedBranches.default([]),
      })
      .strict(),
    handler: async ({ body }, _req, reply) => reply.status(201).send(projectView(await store.projects.create(body))),
  });

  defineRoute(f, paths, {
    method: "PATCH",
    url: "/api/projects/:project",
    role: "admin",
    summary: "Change a project's trust settings: PR secrets, protected branches, webhook secret (null removes it)",
    tags: ["projects"],
    params: projectRef,
    body: z
      .object({
        trustPullRequests: z.boolean().optional(),
        protectedBranches: protectedBranches.optional(),
        webhookSecret: z.string().min(16).max(256).nullable().optional(),
      })
      .strict(),
    handler: async ({ params, body }) => {
      const p = await store.projects.resolve(params.project);
      return projectView(await store.projects.updateTrust(p.id, body));
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/projects/:project/secrets",
    role: "operator",
    summary: "Names of a project's secrets (values are never returned)",
    tags: ["projects"],
    params: projectRef,
    handler: async ({ params }) => ({
      names: await store.secrets.names((await store.projects.resolve(params.project)).id),
    }),
  });

  defineRoute(f, paths, {
    method: "PUT",
    url: "/api/projects/:project/secrets/:name",
    role: "admin",
    summary: "Set a secret (encrypted at rest, masked in logs)",
    tags: ["projects"],
    params: secretRef,
    body: z.object({ value: z.string().min(1).max(65_536) }).strict(),
    handler: async ({ params, body }, _req, reply) => {
      const p = await store.projects.resolve(params.project);
      await store.secrets.set(p.id, params.name, body.value);
      return reply.status(204).send();
    },
  });
  defineRoute(f, paths, {
    method: "DELETE",
    url: "/api/projects/:project/secrets/:name",
    role: "admin",
    summary: "Delete a secret (404 when the project has no secret by that name)",
    tags: ["projects"],
    params: secretRef,
    handler: async ({ params }, _req, reply) => {
      const p = await store.projects.resolve(params.project);
      if (!(await store.secrets.names(p.id)).includes(params.name)) throw new NotFoundError("secret", params.name);
      await store.secrets.remove(p.id, params.name);
      return reply.status(204).send();
    },
  });
}
