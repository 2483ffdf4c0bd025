/**
 * Jobs that share: before its first step, a job receives the artifacts of the jobs it `needs`,
 * copied from the run's artifact store into its workspace at their relative paths. The producer
 * is untrusted, and so is the checked-out tree the files land in: every path is re-checked (no
 * absolute path, no `..`), every directory on the way must be a real directory (a symlink in the
 * checkout cannot redirect a write outside the workspace), files are opened without following
 * symlinks, and the total is bounded.
 */
import { constants } from "node:fs";
import { lstat, mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BlobStore } from "../storage/index.js";
import type { Store } from "../store/index.js";
import { artifactBlobKey } from "./artifacts.js";

/** Default bound on the bytes a job receives from its needs (the sum of their artifacts). */
export const NEEDED_ARTIFACTS_MAX_BYTES = 2 * 1024 * 1024 * 1024;

/** What a job received. */
export interface ReceivedArtifacts {
  files: number;
  bytes: number;
}

/**
 * Copies the artifacts the jobs `producerJobIds` stored for run `runId` (in `blobs`) into
 * `workspace`. Over `maxBytes` in total, a blob that is missing or longer than recorded, or a path
 * that could leave the workspace, is an error naming the file (the job fails before any step).
 */
export async function receiveNeededArtifacts(
  store: Store,
  blobs: BlobStore,
  runId: number,
  producerJobIds: readonly number[],
  workspace: string,
  maxBytes = NEEDED_ARTIFACTS_MAX_BYTES,
): Promise<ReceivedArtifacts> {
  if (producerJobIds.length === 0) return { files: 0, bytes: 0 };
  const wanted = new Set(producerJobIds);
  const latest = new Map<string, { path: string; size: number }>();
  for (const a of await store.artifacts.listForRun(runId)) if (wanted.has(a.jobId)) latest.set(a.path, a);
  const files = [...latest.values()].sort((a, b) => a.path.localeCompare(b.path));
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > maxBytes) {
    throw new Error(`the artifacts of this job's needs are ${total} bytes, over the limit of ${maxBytes} bytes`);
  }
  for (const f of files) {
    const key = artifactBlobKey(runId, f.path);
    await makeRealDirs(workspace, f.path.split("/").slice(0, -1));
    const blob = await blobs.get(key);
    if (!blob)
      throw new Error(`artifact ${JSON.stringify(f.path)} not received: it is missing from the ${blobs.name} store`);
    try {
      const to = await open(
        join(workspace, f.path),
        constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
        0o644,
      );
      await pipeline(blob.body, atMost(f.size, f.path), to.createWriteStream());
    } catch (err) {
      blob.body.destroy();
      throw new Error(`artifact ${JSON.stringify(f.path)} not received: ${(err as Error).message}`);
    }
  }
  return { files: files.length, bytes: total };
}

/** Passes at most `limit` bytes; more is an error (the stored blob cannot grow what a job receives). */
function atMost(limit: number, path: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > limit ? new Error(`${path} is longer than the ${limit} bytes recorded`) : null, chunk);
    },
  });
}
/** Creates `segments` under `root` one by one, refusing any that exists as anything but a directory. */
async function makeRealDirs(root: string, segments: string[]): Promise<void> {
  let dir = root;
  for (const segment of segments) {
    dir = join(dir, segment);
    const info = await lstat(dir).catch(() => undefined);
    if (info === undefined) await mkdir(dir);
    else if (!info.isDirectory()) {
      throw new Error(
        `cannot receive artifacts under ${JSON.stringify(dir.slice(root.length + 1))}: not a directory in the workspace`,
      );
    }
  }
}
