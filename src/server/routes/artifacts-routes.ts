import type { FastifyInstance } from "fastify";
import * as z from "zod";
import { NotFoundError } from "../../common/errors.js";
import { artifactBlobKey, checkArtifactPath } from "../../runner/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

const params = z.object({ id: z.coerce.number().int().positive() });

/** Artifacts of a run: listing and download (paths can never escape the run's directory). */
export function artifactsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store } = app;
  defineRoute(f, paths, {
    method: "GET",
    url: "/api/runs/:id/artifacts",
    role: "viewer",
    summary: "Artifacts stored for a run",
    tags: ["artifacts"],
    params,
    handler: async ({ params }) => ({
      artifacts: (await store.artifacts.listForRun(params.id)).map((a) => ({
        path: a.path,
        size: a.size,
        sha256: a.sha256,
        jobId: a.jobId,
        url: `/api/runs/${params.id}/artifacts/${a.path.split("/").map(encodeURIComponent).join("/")}`,
      })),
    }),
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/runs/:id/artifacts/*",
    role: "viewer",
    summary: "Download one artifact file",
    tags: ["artifacts"],
    params: params.extend({ "*": z.string().min(1).max(4096) }),
    produces: "application/octet-stream",
    handler: async ({ params }, _req, reply) => {
      const run = await store.runs.get(params.id);
      const requested = checkArtifactPath(params["*"]);
      const known = (await store.artifacts.listForRun(run.id)).find((a) => a.path === requested);
      if (!known) throw new NotFoundError("artifact", requested);
      // Streamed from the blob store (local data dir or S3), whichever replica stored it.
      const blob = await app.runner.blobs.get(artifactBlobKey(run.id, requested));
      if (!blob) throw new NotFoundError("artifact", requested);
      reply.header("content-type", "application/octet-stream");
      reply.header("content-length", blob.size);
      reply.header("content-disposition", `attachment; filename="${encodeURIComponent(requested.split("/").pop()!)}"`);
      return reply.send(blob.body);
    },
  });
}
