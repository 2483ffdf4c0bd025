import type { EventPayloads, EventType } from "./event-payloads.js";

/**
 * Domain events: everything that happens in pitcrew, appended to the event log and published
 * on the bus (DESIGN.md §1). A discriminated union on `type`: checking `e.type` narrows `e.data`
 * to that type's payload. `subject` is the stored key of what it is about (`run:42`, see
 * subject.ts); read ids from `data`, not from it.
 */
export type DomainEvent<T extends EventType = EventType> = {
  [K in T]: { id: number; type: K; subject: string; data: EventPayloads[K]; at: number };
}[T];

/** A live output line of a job, published on the bus (not in the event log; stored in log_lines). */
export interface LiveLogLine {
  runId: number;
  jobId: number;
  attempt: number;
  stepIdx: number;
  seq: number;
  stream: "stdout" | "stderr" | "system";
  line: string;
  at: number;
}

/** What travels on the bus. */
export type BusMessage = { kind: "event"; event: DomainEvent } | { kind: "log"; log: LiveLogLine };
