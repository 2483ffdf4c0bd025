import { createHash } from "node:crypto";
import { constants, createWriteStream, realpathSync } from "node:fs";
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ValidationError } from "../common/errors.js";
import { matchWorkspaceFiles } from "../reports/index.js";

/** A file kept as an artifact of a job. */
export interface Artifact {
  /** Path relative to the workspace (and to the artifact directory), `/`-separated. */
  path: string;
  size: number;
  /** Hex SHA-256 of the copied content. */
  sha256: string;
}

/** A matched file or pattern that produced no artifact, and why. */
export interface ArtifactWarning {
  path: string;
  reason: string;
}

/** Result of {@link collectArtifacts}. */
export interface CollectedArtifacts {
  files: Artifact[];
  warnings: ArtifactWarning[];
}

/** Size caps of artifact collection. */
export interface ArtifactOptions {
  /** Largest single artifact in bytes (default 512 MiB); larger files are skipped with a warning. */
  maxFileBytes?: number;
  /** Total bytes per collection (default 2 GiB); files past it are skipped with a warning. */
  maxTotalBytes?: number;
}

/**
 * Copies the workspace files matched by `globs` into `destDir`, keeping their relative paths.
 * Patterns leaving the workspace are a ValidationError; symlinks leading outside it, files over
 * the caps and patterns matching nothing become warnings. Files are taken in path order, so
 * which ones fit under the total cap is deterministic.
 */
export async function collectArtifacts(
  workspace: string,
  globs: readonly string[],
  destDir: string,
  opts: ArtifactOptions = {},
): Promise<CollectedArtifacts> {
  const maxFile = opts.maxFileBytes ?? 512 * 1024 * 1024;
  const maxTotal = opts.maxTotalBytes ?? 2 * 1024 * 1024 * 1024;
  const match = await matchWorkspaceFiles(workspace, globs);
  const out: CollectedArtifacts = {
    files: [],
    warnings: [
      ...match.unmatched.map((path) => ({ path, reason: "pattern matched no files" })),
      ...match.skipped.map((s) => ({ path: s.path, reason: `${s.reason}; not copied` })),
    ],
  };
  let total = 0;
  for (const f of match.files) {
    const fh = await open(f.absPath, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
    if (fh === undefined) {
      out.warnings.push({ path: f.path, reason: "file vanished or turned into a symlink; not copied" });
      continue;
    }
    try {
      const { size } = await fh.stat();
      const reason =
        size > maxFile
          ? `${size} bytes is over the per-artifact limit of ${maxFile} bytes`
          : total + size > maxTotal
            ? `would take the artifacts over the total limit of ${maxTotal} bytes`
            : undefined;
      if (reason !== undefined) {
        out.warnings.push({ path: f.path, reason: `${reason}; not copied` });
        continue;
      }
      const dest = join(destDir, f.path);
      await mkdir(dirname(dest), { recursive: true });
      out.files.push({ path: f.path, size, sha256: await copyExactly(fh, size, dest) });
      total += size;
    } finally {
      await fh.close();
    }
  }
  return out;
}

/** Copies the first `size` bytes of an open file to `dest`, returning their SHA-256. */
async function copyExactly(fh: FileHandle, size: number, dest: string): Promise<string> {
  const hash = createHash("sha256");
  const tee = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const source = size === 0 ? [] : fh.createReadStream({ start: 0, end: size - 1, autoClose: false });
  await pipeline(source, tee, createWriteStream(dest));
  return hash.digest("hex");
}

/**
 * Checks a path requested through the download API and returns it: refuses (ValidationError)
 * anything that could escape or be ambiguous: absolute paths, `..`, `.` or empty segments,
 * backslashes, NUL bytes, percent-encoded `.`, `/`, `\`, NUL or `%`.
 */
export function checkArtifactPath(requestedPath: string): string {
  const problem =
    requestedPath === ""
      ? "is empty"
      : requestedPath.includes("\0")
        ? "contains a NUL byte"
        : requestedPath.includes("\\")
          ? "contains a backslash"
          : /%(2e|2f|5c|00|25)/i.test(requestedPath)
            ? "contains a percent-encoded path character"
            : /^([A-Za-z]:|\/)/.test(requestedPath)
              ? "is absolute"
              : requestedPath.split("/").some((s) => s === "" || s === "." || s === "..")
                ? "has an empty, '.' or '..' segment"
                : undefined;
  if (problem !== undefined) throw new ValidationError(`artifact path ${JSON.stringify(requestedPath)} ${problem}`);
  return requestedPath;
}

/**
 * Resolves an artifact path to an absolute path inside `destDir` (checked by
 * {@link checkArtifactPath}); refuses a path that leads outside `destDir` through a symlink.
 */
export function resolveArtifactFile(destDir: string, requestedPath: string): string {
  checkArtifactPath(requestedPath);
  const root = resolve(destDir);
  const target = resolve(root, requestedPath);
  if (!target.startsWith(root + sep))
    throw new ValidationError(`artifact path ${JSON.stringify(requestedPath)} leaves the artifact directory`);
  const real = realOrUndefined(target);
  const realRoot = realOrUndefined(root) ?? root;
  if (real !== undefined && !real.startsWith(realRoot + sep)) {
    throw new ValidationError(`artifact path ${JSON.stringify(requestedPath)} leads outside the artifact directory`);
  }
  return target;
}

function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** The blob store key of artifact `path` of run `runId` (`artifacts/<run>/<path>`, the data dir's layout). */
export function artifactBlobKey(runId: number, path: string): string {
  return `artifacts/${runId}/${checkArtifactPath(path)}`;
}
