/**
 * How the S3 blob store takes a store that answers badly, over real sockets: one that accepts
 * connections and then says nothing fails the call within the idle bound (503, retried by the
 * artifact upload), while a plain refusal (403) is not an outage (no 503, not waited for).
 */
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer, type Server } from "node:net";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { UnavailableError } from "../../src/common/errors.js";
import { createS3BlobStore } from "../../src/storage/s3/s3-blob-store.js";

const IDLE_MS = 1500;
const servers: { close(): unknown }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** Listens on a free port; the store's first request (HeadBucket at creation) always gets a 200. */
async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const storeAt = (endpoint: string) =>
  createS3BlobStore({
    endpoint,
    bucket: "b",
    region: "us-east-1",
    accessKeyId: "a",
    secretAccessKey: "s",
    forcePathStyle: true,
    idleTimeoutMs: IDLE_MS,
  });

/** Settles `p`, giving what it rejected with and how long that took. */
async function failure(p: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const t0 = Date.now();
  const err = await p.then(
    () => undefined,
    (e) => e,
  );
  return { err, ms: Date.now() - t0 };
}

describe("the s3 store facing a store that answers badly", () => {
  it("fails get and put within the idle bound when the store accepts connections and never answers", async () => {
    let requests = 0;
    const endpoint = await listen(
      createServer((s) => {
        s.on("error", () => {});
        s.once("data", () => {
          if (requests++ === 0) s.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        });
      }),
    );
    const store = await storeAt(endpoint);
    try {
      const got = await failure(store.get("artifacts/1/x"));
      expect(got.err).toBeInstanceOf(UnavailableError);
      expect(got.ms).toBeLessThan(IDLE_MS * 4);
      const body = Readable.from([Buffer.from("hello")]);
      const put = await failure(store.put("artifacts/1/y", body, { size: 5, maxBytes: 100 }));
      expect(put.err).toBeInstanceOf(UnavailableError);
      expect(put.ms).toBeLessThan(IDLE_MS * 4);
    } finally {
      await store.close();
    }
  }, 30_000);

  it("probes a silent store's health once per few seconds and frees the probe's socket at its deadline", async () => {
    let answered = 0;
    let connections = 0;
    const server = createServer((s) => {
      connections++;
      s.on("error", () => {});
      s.on("data", () => {
        if (answered++ === 0) s.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
      });
    });
    const store = await storeAt(await listen(server));
    try {
      const before = connections;
      const t0 = Date.now();
      const answers = await Promise.all(Array.from({ length: 60 }, () => store.health()));
      expect(Date.now() - t0).toBeLessThan(IDLE_MS);
      expect(answers.every((a) => !a.ok && /did not answer|abort/i.test(a.error ?? ""))).toBe(true);
      // a flood of /healthz calls costs the store one probe, not one socket each
      expect(connections - before).toBeLessThanOrEqual(1);
      expect((await store.health()).ok).toBe(false); // reused, no new probe
      expect(connections - before).toBeLessThanOrEqual(1);
      // the store answers again: a get is not stuck behind hung probes
      server.removeAllListeners("connection");
      server.on("connection", (s) => {
        s.on("error", () => {});
        s.on("data", () => s.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
      });
      const t1 = Date.now();
      expect(await store.get("artifacts/1/x")).toBeUndefined();
      expect(Date.now() - t1).toBeLessThan(IDLE_MS);
    } finally {
      await store.close();
    }
  }, 30_000);

  it("passes a 403 on as a refusal, not as the store being away", async () => {
    let requests = 0;
    const http = createHttpServer((req, res) => {
      req.resume();
      if (requests++ === 0) return res.end();
      res.writeHead(403, { "content-type": "application/xml" });
      res.end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    });
    servers.push(http);
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    const store = await storeAt(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
    try {
      const got = await failure(store.get("artifacts/1/x"));
      expect(got.err).toBeInstanceOf(Error);
      expect(got.err).not.toBeInstanceOf(UnavailableError);
      expect((got.err as Error).message).toMatch(/refused: .*403/);
    } finally {
      await store.close();
    }
  }, 30_000);
});
