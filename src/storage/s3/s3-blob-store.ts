import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import { UnavailableError, ValidationError } from "../../common/errors.js";
import { sharedProbe, withDeadline } from "../../common/health.js";
import type { BlobStore, PutOptions } from "../blob-store.js";
import { checkBlobKey, sizeGuard } from "../blob-key.js";

/** Where the S3-compatible store is (config `storage:` with `driver: s3`). */
export interface S3BlobStoreOptions {
  /** e.g. http://127.0.0.1:9000 (MinIO, Garage, s3rver); unset means AWS S3 of `region`. */
  endpoint?: string;
  bucket: string;
  region: string;
  /** Unset: the AWS SDK's default credentials chain (AWS_ACCESS_KEY_ID, instance roles, …). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Address the bucket as a path (`endpoint/bucket/key`), as most self-hosted stores need. */
  forcePathStyle: boolean;
  /** Prefix put before every key (several installations in one bucket). */
  prefix?: string;
  /** Longest silence of the store on an open connection before the call fails (default 60 s). */
  idleTimeoutMs?: number;
}

/** Longest wait for a connection to the object store, and for its next byte once connected. */
const CONNECT_TIMEOUT_MS = 5000;
const IDLE_TIMEOUT_MS = 60_000;
/** Longest `/healthz` waits for the object store's answer. */
const HEALTH_DEADLINE_MS = 1000;

/**
 * Blobs as objects in an S3-compatible bucket through the AWS SDK. `put` needs the body's size
 * (one streamed PutObject with Content-Length; the stream is never buffered); `get` hands out
 * the response body stream. S3 writes are atomic per object, so readers never see half a blob.
 */
export async function createS3BlobStore(o: S3BlobStoreOptions): Promise<BlobStore> {
  const client = new S3Client({
    endpoint: o.endpoint,
    region: o.region,
    forcePathStyle: o.forcePathStyle,
    // a store that vanished or froze fails the call instead of hanging it: `socketTimeout` is the
    // socket's idle time (a whole-request `requestTimeout` would only warn, and would cut off a
    // large upload that is still moving)
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, socketTimeout: o.idleTimeoutMs ?? IDLE_TIMEOUT_MS },
    // Plain signed bodies: the SDK's default streaming checksums (aws-chunked) are stored verbatim
    // by several S3-compatible servers, corrupting the blob.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    credentials:
      o.accessKeyId && o.secretAccessKey
        ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey }
        : undefined,
  });
  const where = `object store bucket '${o.bucket}' at ${o.endpoint ? withoutCredentials(o.endpoint) : `AWS ${o.region}`}`;
  /**
   * An error of the store itself (unreachable, silent, 5xx) as a 503 naming the store; any other
   * answer (403, 400, …) as the store's plain refusal, which waiting would not change.
   */
  const failed = (err: unknown) =>
    storeAway(err)
      ? new UnavailableError(`storage: ${where} failed: ${describe(err)}`, { cause: err })
      : new Error(`storage: ${where} refused: ${describe(err)}`, { cause: err });
  const objectKey = (key: string) => `${o.prefix ?? ""}${checkBlobKey(key)}`;
  try {
    await client.send(new HeadBucketCommand({ Bucket: o.bucket }));
  } catch (err) {
    client.destroy();
    throw new ValidationError(`storage: ${where} is not usable: ${describe(err)}`);
  }
  return {
    name: "s3",

    async put(key: string, body: Readable, opts: PutOptions) {
      const Key = objectKey(key);
      if (opts.size === undefined) {
        body.destroy();
        throw new ValidationError(`blob ${key}: the s3 store needs the body's size`);
      }
      if (opts.size > opts.maxBytes) {
        body.destroy();
        throw new ValidationError(`blob ${key} is ${opts.size} bytes, over the limit of ${opts.maxBytes} bytes`);
      }
      const guard = sizeGuard(key, opts);
      let bodyError: Error | undefined;
      guard.on("error", (err) => (bodyError ??= err));
      body.on("error", (err) => guard.destroy(err));
      try {
        await client.send(
          new PutObjectCommand({ Bucket: o.bucket, Key, Body: body.pipe(guard), ContentLength: opts.size }),
        );
      } catch (err) {
        // A body that broke off (too long, source failed) aborts the upload: nothing is stored.
        throw bodyError ?? failed(err);
      }
      return { size: guard.count() };
    },

    async get(key: string) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: o.bucket, Key: objectKey(key) }));
        if (!(res.Body instanceof Readable)) throw new Error("object body is not a stream");
        return { size: Number(res.ContentLength ?? 0), body: res.Body };
      } catch (err) {
        if (err instanceof NoSuchKey || (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404))
          return undefined;
        throw failed(err);
      }
    },

    async delete(key: string) {
      await client.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: objectKey(key) }));
    },

    // one HEAD at a time and per few seconds, aborted at its deadline: its socket goes back to the pool
    health: sharedProbe(async () => {
      const head = client.send(new HeadBucketCommand({ Bucket: o.bucket }), {
        abortSignal: AbortSignal.timeout(HEALTH_DEADLINE_MS),
      });
      try {
        await withDeadline(head, HEALTH_DEADLINE_MS, where);
        return { ok: true };
      } catch (err) {
        return { ok: false, error: `storage: ${where} is not usable: ${describe(err)}` };
      }
    }),

    async close() {
      client.destroy();
    },
  };
}

/** `url` without its user and password (messages name the store, never its credentials). */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(unparsable endpoint)";
  }
}

/** Whether `err` says the store is away (no answer, or a 5xx) rather than refusing the call. */
function storeAway(err: unknown): boolean {
  if (err instanceof S3ServiceException) return (err.$metadata.httpStatusCode ?? 500) >= 500;
  return true; // no HTTP answer at all: refused/reset connection, DNS, timeout
}

function describe(err: unknown): string {
  if (err instanceof S3ServiceException) return `${err.name} (HTTP ${err.$metadata.httpStatusCode ?? "?"})`;
  return err instanceof Error ? err.message : String(err);
}
