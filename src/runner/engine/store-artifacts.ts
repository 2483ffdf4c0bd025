import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Job } from "../../store/index.js";
import { type Artifact, artifactBlobKey, collectArtifacts } from "../artifacts.js";
import type { RunnerDeps } from "./runner-deps.js";

/** Largest single artifact (bytes); the blob store refuses a body past it. */
const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

/**
 * Collects a finished job's artifacts from its workspace into a private staging directory (caps,
 * symlink and path rules of `collectArtifacts`), then streams each into the blob store under
 * `artifacts/<run>/<path>`, so any server replica can serve it. Warnings go to the job's log.
 */
export async function storeArtifacts(
  deps: RunnerDeps,
  runId: number,
  job: Job,
  workspace: string,
  sys: (line: string) => void,
): Promise<Artifact[]> {
  const staging = join(deps.dataDir, "staging", `${job.id}-${job.attempt}-${randomBytes(4).toString("hex")}`);
  await mkdir(staging, { recursive: true, mode: 0o700 });
  try {
    const { files, warnings } = await collectArtifacts(workspace, job.spec.artifacts, staging, {
      maxFileBytes: MAX_ARTIFACT_BYTES,
    });
    for (const w of warnings) sys(`artifact warning: ${w.path}: ${w.reason}`);
    for (const f of files) {
      await deps.blobs.put(artifactBlobKey(runId, f.path), createReadStream(join(staging, f.path)), {
        size: f.size,
        maxBytes: MAX_ARTIFACT_BYTES,
      });
    }
    return files;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
