import { EVENT_SCHEMAS, type EventPayloads, isEventType } from "./event-payloads.js";
import type { DomainEvent } from "./domain-event.js";

/** An event as it comes back from the store or another replica: not yet trusted. */
export interface RawEvent {
  id: number;
  type: string;
  subject: string;
  data: unknown;
  at: number;
}

/**
 * Checks an event read back (store, Redis) against its type's schema: the typed event, or why it
 * is refused (an unknown type or a payload that does not match). The data is returned as stored.
 */
export function readEvent(raw: RawEvent): { event: DomainEvent } | { refused: string } {
  if (!isEventType(raw.type)) return { refused: `unknown event type '${raw.type}'` };
  const checked = EVENT_SCHEMAS[raw.type].safeParse(raw.data);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => `${i.path.join(".") || "data"}: ${i.message}`);
    return { refused: `malformed ${raw.type} payload (${issues.slice(0, 3).join("; ")})` };
  }
  const data = raw.data as EventPayloads[typeof raw.type];
  return { event: { id: raw.id, type: raw.type, subject: raw.subject, data, at: raw.at } as DomainEvent };
}
