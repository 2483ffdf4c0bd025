import { Redis } from "ioredis";
import type { Logger } from "../../common/logger.js";
import { watchRedis } from "../../common/redis-reachability.js";
import type { Bus } from "../bus.js";
import type { BusMessage } from "../domain-event.js";
import { readBusMessage } from "./read-bus-message.js";

/**
 * The scale-out bus: messages are published on a Redis channel, so every server replica sees
 * every event and live log line. Local subscribers are called for messages from this process too
 * (through Redis, so all replicas observe the same order per publisher). While Redis is away,
 * `log` gets one line when it goes and one when it is back (common/redis-reachability.ts), and
 * the messages published meanwhile are dropped without a line each (the store keeps the events).
 */
export async function createRedisBus(
  url: string,
  opts: { channel?: string; onError?: (err: unknown) => void; log?: Logger } = {},
): Promise<Bus> {
  const channel = opts.channel ?? "pitcrew:bus";
  const onError = opts.onError ?? (() => {});
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  // the outage is said once through `pub`; `sub` reconnects by itself and resubscribes
  const reach = opts.log
    ? watchRedis(pub, url, opts.log, {
        area: "bus",
        meanwhile: "live events and log lines are not streamed (the store keeps them) until it is back",
      })
    : undefined;
  if (!reach) pub.on("error", () => undefined);
  sub.on("error", () => undefined);
  await Promise.all([pub.connect(), sub.connect()]);
  const handlers = new Set<(m: BusMessage) => void>();
  sub.on("message", (_ch: string, text: string) => {
    let read: ReturnType<typeof readBusMessage>;
    try {
      read = readBusMessage(JSON.parse(text));
    } catch (err) {
      return onError(err);
    }
    if ("refused" in read) return onError(new Error(`bus message from Redis skipped: ${read.refused}`));
    const { message } = read;
    for (const h of handlers) {
      try {
        h(message);
      } catch (err) {
        onError(err);
      }
    }
  });
  await sub.subscribe(channel);
  return {
    publish(message) {
      pub.publish(channel, JSON.stringify(message)).catch((err) => {
        if (!reach || reach.up()) onError(err);
      });
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
      reach?.closing();
      await Promise.allSettled([sub.quit(), pub.quit()]);
    },
  };
}
