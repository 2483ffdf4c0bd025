import { randomBytes } from "node:crypto";
import { constants, createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ValidationError } from "../../common/errors.js";
import type { BlobStore, PutOptions } from "../blob-store.js";
import { checkBlobKey, sizeGuard } from "../blob-key.js";

/**
 * Blobs as files under `root` (the embedded default: `<data_dir>`, so artifacts stay in
 * `<data_dir>/artifacts/…`). A body is written to a temporary file beside its target and renamed
 * into place when whole, so readers never see half a blob. Keys never leave `root`: they are
 * checked ({@link checkBlobKey}), and a blob file that is a symlink is not followed (O_NOFOLLOW).
 */
export function createLocalBlobStore(root: string): BlobStore {
  const pathOf = (key: string) => join(root, ...checkBlobKey(key).split("/"));
  return {
    name: "local",

    async put(key: string, body: Readable, opts: PutOptions) {
      const target = pathOf(key);
      if (opts.size !== undefined && opts.size > opts.maxBytes) {
        body.destroy();
        throw new ValidationError(`blob ${key} is ${opts.size} bytes, over the limit of ${opts.maxBytes} bytes`);
      }
      await mkdir(dirname(target), { recursive: true });
      const temp = `${target}.${randomBytes(6).toString("hex")}.part`;
      const guard = sizeGuard(key, opts);
      try {
        await pipeline(body, guard, createWriteStream(temp, { flags: "wx", mode: 0o600 }));
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      return { size: guard.count() };
    },

    async get(key: string) {
      const path = pathOf(key);
      const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT" || err.code === "ENOTDIR") return undefined;
        throw err;
      });
      if (!fh) return undefined;
      const { size } = await fh.stat();
      return { size, body: createReadStream("", { fd: fh, autoClose: true }) };
    },

    async delete(key: string) {
      await rm(pathOf(key), { force: true });
    },

    async health() {
      // a directory of this machine: its problems (a full disk) surface as errors of `put`
      return { ok: true };
    },

    async close() {},
  };
}
