import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Live messages a stream holds back while it replays stored ones to a slow client; past this the
 * client is disconnected (it reconnects and replays from where it was).
 */
export const REPLAY_BACKLOG_LIMIT = 10_000;

/** A Server-Sent Events connection. */
export interface SseStream {
  /**
   * Queues an event. Returns false once the client's unread output passes the high-water mark
   * (the caller may await {@link SseStream.drained} before sending more); a client more than
   * `maxBufferedBytes` behind is disconnected instead (it reconnects and replays what it missed).
   */
  send(event: string, data: unknown, id?: string | number): boolean;
  /** Resolves when the buffered output has been written to the socket (or the stream closed). */
  drained(): Promise<void>;
  /** False once the client disconnected or the stream was closed. */
  isOpen(): boolean;
  close(): void;
  /** Resolves when the client disconnects or `close` is called. */
  closed: Promise<void>;
}

/**
 * Takes over the reply and opens an SSE stream (text/event-stream, no buffering, a comment
 * heartbeat every 15 s so proxies keep it open). Output a client has not read is bounded by
 * `maxBufferedBytes`: past it the connection is destroyed, never buffered without limit.
 */
export function openSse(req: FastifyRequest, reply: FastifyReply, opts: { maxBufferedBytes: number }): SseStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.write(": connected\n\n");
  let open = true;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  const finish = () => {
    if (!open) return;
    open = false;
    clearInterval(beat);
    resolveClosed();
  };
  const write = (text: string): boolean => {
    if (!open) return false;
    if (res.writableLength > opts.maxBufferedBytes) {
      req.log.warn({ url: req.url, buffered: res.writableLength }, "SSE client too far behind: disconnected");
      finish();
      res.destroy();
      return false;
    }
    return res.write(text);
  };
  const beat = setInterval(() => write(": ping\n\n"), 15_000);
  req.raw.on("close", finish);
  res.on("close", finish);
  return {
    send(event, data, id) {
      return write(`${id !== undefined ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    drained() {
      if (!open || !res.writableNeedDrain) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    },
    isOpen: () => open,
    close() {
      finish();
      res.end();
    },
    closed,
  };
}
