/** One conformance suite for every BlobStore implementation (DESIGN.md §3). */
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import type { BlobStore } from "../../src/storage/index.js";

/** A readable of `total` random bytes in 64 KiB chunks, produced on demand (never held whole). */
function randomStream(total: number, seed: ReturnType<typeof createHash>): Readable {
  let left = total;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const chunk = randomBytes(Math.min(65_536, left));
      seed.update(chunk);
      left -= chunk.length;
      this.push(chunk);
    },
  });
}

/** Runs the blob store contract against `make()` (a fresh, empty store per test). */
export function runBlobStoreConformance(
  name: string,
  make: () => Promise<{ store: BlobStore; dispose(): Promise<void> }>,
) {
  describe(`BlobStore conformance: ${name}`, () => {
    it("stores, streams back, replaces and deletes blobs", async () => {
      const { store, dispose } = await make();
      expect(
        await store.put("artifacts/1/dist/app.txt", Readable.from([Buffer.from("hello")]), { size: 5, maxBytes: 100 }),
      ).toEqual({ size: 5 });
      const got = await store.get("artifacts/1/dist/app.txt");
      expect(got?.size).toBe(5);
      expect((await buffer(got!.body)).toString()).toBe("hello");
      await store.put("artifacts/1/dist/app.txt", Readable.from([Buffer.from("bye")]), { size: 3, maxBytes: 100 });
      expect((await buffer((await store.get("artifacts/1/dist/app.txt"))!.body)).toString()).toBe("bye");
      await store.put("empty", Readable.from([]), { size: 0, maxBytes: 100 });
      expect((await store.get("empty"))?.size).toBe(0);
      await store.delete("artifacts/1/dist/app.txt");
      expect(await store.get("artifacts/1/dist/app.txt")).toBeUndefined();
      await store.delete("never-there");
      expect(await store.get("artifacts/2/nothing")).toBeUndefined();
      expect(await store.health()).toEqual({ ok: true });
      await store.close();
      await dispose();
    });

    it("streams a 24 MiB blob both ways with its bytes intact", async () => {
      const { store, dispose } = await make();
      const size = 24 * 1024 * 1024;
      const sent = createHash("sha256");
      await store.put("big/blob.bin", randomStream(size, sent), { size, maxBytes: size });
      const got = await store.get("big/blob.bin");
      expect(got?.size).toBe(size);
      const back = createHash("sha256");
      let chunks = 0;
      for await (const chunk of got!.body) {
        back.update(chunk as Buffer);
        chunks++;
      }
      expect(back.digest("hex")).toBe(sent.digest("hex"));
      expect(chunks).toBeGreaterThan(1); // it came as a stream, not one buffer
      await store.close();
      await dispose();
    });

    it("refuses oversized or mis-sized bodies and storing nothing of them", async () => {
      const { store, dispose } = await make();
      await expect(
        store.put("a/over", Readable.from([Buffer.alloc(200)]), { size: 200, maxBytes: 100 }),
      ).rejects.toThrow(/over the limit of 100 bytes/);
      await expect(
        store.put("a/lies", Readable.from([Buffer.alloc(50), Buffer.alloc(50)]), { size: 10, maxBytes: 1000 }),
      ).rejects.toThrow(/larger than its declared 10 bytes|10/);
      expect(await store.get("a/over")).toBeUndefined();
      expect(await store.get("a/lies")).toBeUndefined();
      await store.close();
      await dispose();
    });

    it("refuses keys that could escape or be ambiguous", async () => {
      const { store, dispose } = await make();
      for (const key of ["", "/etc/passwd", "a/../../b", "a//b", "a/./b", "a\\b", "a\0b"]) {
        await expect(store.get(key), key).rejects.toThrow(/blob key/);
        await expect(store.put(key, Readable.from([]), { size: 0, maxBytes: 1 }), key).rejects.toThrow(/blob key/);
      }
      await store.close();
      await dispose();
    });
  });
}
