export type { Bus } from "./bus.js";
export type { BusMessage, DomainEvent, LiveLogLine } from "./domain-event.js";
export { EventLog } from "./event-log.js";
export { EVENT_SCHEMAS, type EventPayloads, type EventType, isEventType } from "./event-payloads.js";
export { createMemoryBus } from "./memory/memory-bus.js";
export { onEvent } from "./on-event.js";
export { type RawEvent, readEvent } from "./read-event.js";
export { type Subject, subjectKey } from "./subject.js";
