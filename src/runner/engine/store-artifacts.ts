import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { UnavailableError } from "../../common/errors.js";
import type { Job } from "../../store/index.js";
import { type Artifact, artifactBlobKey, collectArtifacts } from "../artifacts.js";
import type { RunnerDeps } from "./runner-deps.js";

/** Largest single artifact (bytes); the blob store refuses a body past it. */
const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;
/** How long a blob store that fails (an object store away) is retried before the artifacts are given up. */
export const ARTIFACT_STORE_PATIENCE_MS = 30_000;
/** First wait between retries; it doubles up to {@link MAX_RETRY_WAIT_MS}. */
const FIRST_RETRY_WAIT_MS = 250;
const MAX_RETRY_WAIT_MS = 4000;

/**
 * Collects a finished job's artifacts from its workspace into a private staging directory (caps,
 * symlink and path rules of `collectArtifacts`), then streams each into the blob store under
 * `artifacts/<run>/<path>`, so any server replica can serve it. A store that fails (unreachable,
 * 5xx) is retried for {@link ARTIFACT_STORE_PATIENCE_MS}, said in the job's log, so a short
 * outage loses nothing; past that it throws naming the file. Warnings go to the job's log.
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
    const patience = { until: Date.now() + ARTIFACT_STORE_PATIENCE_MS, retries: 0 };
    for (const f of files) {
      const put = () =>
        deps.blobs.put(artifactBlobKey(runId, f.path), createReadStream(join(staging, f.path)), {
          size: f.size,
          maxBytes: MAX_ARTIFACT_BYTES,
        });
      await withRetries(put, f.path, deps.blobs.name, patience, sys);
    }
    if (patience.retries > 0)
      sys(`artifacts: the ${deps.blobs.name} store answered again after ${patience.retries} retries`);
    return files;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Runs `put` until it succeeds, a refusal that retrying cannot change, or the patience runs out. */
async function withRetries(
  put: () => Promise<unknown>,
  path: string,
  store: string,
  patience: { until: number; retries: number },
  sys: (line: string) => void,
): Promise<void> {
  for (let wait = FIRST_RETRY_WAIT_MS; ; wait = Math.min(wait * 2, MAX_RETRY_WAIT_MS)) {
    try {
      await put();
      return;
    } catch (err) {
      const why = err instanceof Error ? err.message || err.name : String(err);
      // only a store that is away is waited for: a refusal (too large, wrong size, 403) is the same next time
      if (!(err instanceof UnavailableError)) throw err;
      if (Date.now() + wait > patience.until)
        throw new Error(
          `${path} not stored: the ${store} store failed for ${ARTIFACT_STORE_PATIENCE_MS / 1000} s: ${why}`,
        );
      if (patience.retries === 0)
        sys(`artifacts: the ${store} store failed (${why}); retrying for up to ${ARTIFACT_STORE_PATIENCE_MS / 1000} s`);
      patience.retries++;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
