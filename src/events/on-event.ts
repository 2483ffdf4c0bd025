import type { Bus } from "./bus.js";
import type { DomainEvent } from "./domain-event.js";
import type { EventType } from "./event-payloads.js";

/**
 * Subscribes to the events of the given types only; the handler gets them narrowed (for
 * `onEvent(bus, "run.finished", (e) => e.data.status)`). Returns the function that unsubscribes.
 */
export function onEvent<T extends EventType>(
  bus: Bus,
  types: T | readonly T[],
  handler: (event: DomainEvent<T>) => void,
): () => void {
  const wanted: readonly EventType[] = typeof types === "string" ? [types] : types;
  return bus.subscribe((m) => {
    if (m.kind === "event" && wanted.includes(m.event.type)) handler(m.event as DomainEvent<T>);
  });
}
