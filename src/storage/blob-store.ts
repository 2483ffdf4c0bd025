/**
 * The blob store port: where artifacts (and, later, caches and large logs) live, so that any
 * server replica serves any blob.
 *
 * Rules:
 * - Keys are `/`-separated relative paths; {@link checkBlobKey} refuses anything that could
 *   escape or be ambiguous (absolute, `..`, empty segments, backslashes, NUL).
 * - `put` streams the body (never buffers it whole) and refuses, storing nothing, a body larger
 *   than `maxBytes` or different from a declared `size`. A blob appears whole or not at all;
 *   writing an existing key replaces it.
 * - `get` answers a stream, or undefined when the key does not exist.
 * - Errors of the backing store (disk full, object store unreachable) reject with its message;
 *   `health` says whether it answers now (for `/healthz`).
 * Implementations: `local` (a directory in the data dir, the embedded default) and `s3`
 * (any S3-compatible object storage).
 */
import type { Readable } from "node:stream";
import type { DependencyHealth } from "../common/health.js";

/** Options of `put`. */
export interface PutOptions {
  /** The body's exact length when known (required by `s3`); a body of another length is refused. */
  size?: number;
  /** Largest body accepted. */
  maxBytes: number;
}

/** A stored blob being read. */
export interface BlobRead {
  size: number;
  body: Readable;
}

/** Shared storage for blobs. */
export interface BlobStore {
  readonly name: string;
  /** Stores `body` under `key`; returns the bytes stored. */
  put(key: string, body: Readable, opts: PutOptions): Promise<{ size: number }>;
  /** Opens the blob `key` for reading, or undefined when it does not exist. */
  get(key: string): Promise<BlobRead | undefined>;
  /** Removes the blob `key` (no error when it does not exist). */
  delete(key: string): Promise<void>;
  /** Whether the backing store answers now (bounded in time). */
  health(): Promise<DependencyHealth>;
  close(): Promise<void>;
}
