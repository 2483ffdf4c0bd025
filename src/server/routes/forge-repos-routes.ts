import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { ValidationError } from "../../common/errors.js";
import { CI_CHECK, LocalForge } from "../../forge/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

/** One path component, as the forge accepts it; checked again (no `..`, no `.git`) by the forge. */
const repoName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    "1–100 letters, digits, '.', '_' or '-', starting with a letter or digit",
  );
const checkName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/ -]{0,99}$/, "a check name: 1–100 letters, digits, '.', '_', ':', '/', ' ' or '-'");

/** Forge repositories: create, protect a branch, list (the onboarding path, docs/onboarding.md). */
export function forgeReposRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { forge } = app;

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/forge/repos",
    role: "viewer",
    summary: "List the local forge's repositories with their descriptions and protected branches",
    tags: ["forge"],
    handler: async () => {
      if (!(forge instanceof LocalForge))
        throw new ValidationError("listing repositories needs the local forge (config: forge.driver: local)");
      return { repositories: await forge.listRepositories() };
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/forge/repos",
    role: "admin",
    summary: "Create a forge repository (409 when it exists)",
    tags: ["forge"],
    body: z.object({ name: repoName, description: z.string().max(256).optional() }).strict(),
    handler: async ({ body }, _req, reply) => {
      const repo = await forge.createRepository(body.name, { description: body.description, mustBeNew: true });
      reply.code(201);
      return forge instanceof LocalForge ? forge.describeRepository(repo.name) : repo;
    },
  });

  defineRoute(f, paths, {
    method: "POST",
    url: "/api/forge/repos/:repo/protection",
    role: "admin",
    summary: "Protect a branch: pushes to it are refused, merges need its required checks green",
    tags: ["forge"],
    params: z.object({ repo: repoName }),
    body: z
      .object({ branch: z.string().min(1).max(255), requiredChecks: z.array(checkName).max(20).optional() })
      .strict(),
    handler: async ({ params, body }) => {
      const requiredChecks = [...new Set(body.requiredChecks ?? [CI_CHECK])];
      await forge.protectBranch(params.repo, body.branch, { requiredChecks });
      return { name: params.repo, branch: body.branch, requiredChecks };
    },
  });
}
