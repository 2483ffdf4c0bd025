export type { BlobRead, BlobStore, PutOptions } from "./blob-store.js";
export { checkBlobKey } from "./blob-key.js";
export { createLocalBlobStore } from "./local/local-blob-store.js";
