import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { createLocalBlobStore } from "../../src/storage/index.js";
import { createS3BlobStore } from "../../src/storage/s3/s3-blob-store.js";
import { startS3Server } from "../support/s3-server.js";
import { runBlobStoreConformance } from "./blob-store.conformance.js";

runBlobStoreConformance("local directory", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-blobs-"));
  return { store: createLocalBlobStore(dir), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
});

// s3rver is a dev dependency, so the S3 adapter always runs against a real S3-compatible server process.
const s3 = await startS3Server();
afterAll(() => s3.stop());
let n = 0;
runBlobStoreConformance("s3 (s3rver)", async () => ({
  store: await createS3BlobStore({
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    region: "us-east-1",
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    prefix: `t${process.pid}-${n++}/`,
  }),
  dispose: async () => {},
}));
