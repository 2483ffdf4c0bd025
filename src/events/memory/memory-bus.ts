import type { Bus } from "../bus.js";
import type { BusMessage } from "../domain-event.js";

/** The embedded bus: synchronous in-process fan-out. */
export function createMemoryBus(onError: (err: unknown) => void = () => {}): Bus {
  const handlers = new Set<(m: BusMessage) => void>();
  return {
    publish(message) {
      for (const h of handlers) {
        try {
          h(message);
        } catch (err) {
          onError(err);
        }
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
    },
  };
}
