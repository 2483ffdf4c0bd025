/**
 * Jobs that share: before its first step, a job receives the artifacts of the jobs it `needs`,
 * streamed from the blob store into its workspace at their relative paths. The producer
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
import { artifactBlobKey, resolveArtifactFile } from "./artifacts.js";

/** Default bound on the bytes a job receives from its needs (the sum of their artifacts). */
export const NEEDED_ARTIFACTS_MAX_BYTES = 2 * 1024 * 1024 * 1024;

/** What a job received. */
export interface ReceivedArtifacts {
  files: number;
  bytes: number;
}

/**
 * Copies the artifacts the jobs `producerJobIds` stored for run `runId` (in `blobs`) into
 * `workspace`. Over `maxBytes` in total, or a path that could leave the workspace, is an
 * error naming the file (the job fails before running anything).
 */
export async function receiveNeededArtifacts(
  store: Store,
  runId: number,
  producerJobIds: readonly number[],
  blobs: BlobStore,
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
  let bytes = 0;
  for (const f of files) {
    const dest = resolveArtifactFile(workspace, f.path);
    await makeRealDirs(workspace, f.path.split("/").slice(0, -1));
    const blob = await blobs.get(artifactBlobKey(runId, f.path));
    if (blob === undefined) throw new Error(`artifact ${JSON.stringify(f.path)} not received: missing from the store`);
    try {
      const to = await open(
        dest,
        constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
        0o644,
      );
      // Stop at the recorded size: the stored blob cannot grow what the job receives.
      await pipeline(blob.body, atMost(f.size), to.createWriteStream());
    } catch (err) {
      throw new Error(`artifact ${JSON.stringify(f.path)} not received: ${(err as Error).message}`);
    } finally {
      blob.body.destroy();
    }
    bytes += f.size;
  }
  return { files: files.length, bytes };
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

/** A transform passing through the first `limit` bytes and dropping the rest. */
function atMost(limit: number): Transform {
  let left = limit;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const part = chunk.subarray(0, Math.max(left, 0));
      left -= part.length;
      done(null, part);
    },
  });
}
