import type { BusMessage } from "./domain-event.js";

/**
 * The bus port: fan-out of events and live log lines to subscribers in this process (and, for
 * scale-out implementations, to other server replicas).
 *
 * Rules: `publish` never throws and never blocks on subscribers; a subscriber that throws is
 * isolated (logged by the implementation, other subscribers still get the message); messages from
 * one publisher arrive in publish order. Delivery is at-most-once: durable consumers read the
 * event log (the `events` table) and use the bus only as a wake-up.
 */
export interface Bus {
  publish(message: BusMessage): void;
  /** Adds a subscriber; returns the function that removes it. */
  subscribe(handler: (message: BusMessage) => void): () => void;
  close(): Promise<void>;
}
