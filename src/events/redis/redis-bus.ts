import { Redis } from "ioredis";
import type { Bus } from "../bus.js";
import type { BusMessage } from "../domain-event.js";
import { readBusMessage } from "./read-bus-message.js";

/**
 * The scale-out bus: messages are published on a Redis channel, so every server replica sees
 * every event and live log line. Local subscribers are called for messages from this process too
 * (through Redis, so all replicas observe the same order per publisher).
 */
export async function createRedisBus(
  url: string,
  opts: { channel?: string; onError?: (err: unknown) => void } = {},
): Promise<Bus> {
  const channel = opts.channel ?? "pitcrew:bus";
  const onError = opts.onError ?? (() => {});
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
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
      pub.publish(channel, JSON.stringify(message)).catch(onError);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
      await Promise.allSettled([sub.quit(), pub.quit()]);
    },
  };
}
