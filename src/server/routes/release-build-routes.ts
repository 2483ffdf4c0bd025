import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { NotFoundError } from "../../common/errors.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

const iso = (t: number | null) => (t == null ? null : new Date(t).toISOString());

/** A release's build phase: status, reason and output tail (docs/deploy.md, `build:`). */
export function releaseBuildRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  defineRoute(f, paths, {
    method: "GET",
    url: "/api/releases/:id/build",
    role: "viewer",
    summary: "The build phase of a release: running | success | failure, the reason and the last lines of its log",
    tags: ["deploy"],
    params: z.object({ id: z.coerce.number().int().positive() }),
    handler: async ({ params }) => {
      const build = await app.store.releaseBuilds.get(params.id);
      if (!build) throw new NotFoundError("release build", String(params.id));
      return { ...build, startedAt: iso(build.startedAt), endedAt: iso(build.endedAt) };
    },
  });
}
