export type { Bus } from "./bus.js";
export type { BusMessage, DomainEvent, LiveLogLine } from "./domain-event.js";
export { EventLog } from "./event-log.js";
export { createMemoryBus } from "./memory/memory-bus.js";
