import type { FastifyReply, FastifyRequest } from "fastify";

/** A Server-Sent Events connection. */
export interface SseStream {
  send(event: string, data: unknown, id?: string | number): void;
  close(): void;
  /** Resolves when the client disconnects or `close` is called. */
  closed: Promise<void>;
}

/**
 * Takes over the reply and opens an SSE stream (text/event-stream, no buffering, a comment
 * heartbeat every 15 s so proxies keep it open).
 */
export function openSse(req: FastifyRequest, reply: FastifyReply): SseStream {
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
  const beat = setInterval(() => open && res.write(": ping\n\n"), 15_000);
  const finish = () => {
    if (!open) return;
    open = false;
    clearInterval(beat);
    resolveClosed();
  };
  req.raw.on("close", finish);
  return {
    send(event, data, id) {
      if (!open) return;
      res.write(`${id !== undefined ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close() {
      finish();
      res.end();
    },
    closed,
  };
}
