/**
 * Domain events: everything that happens in pitcrew, appended to the event log and published
 * on the bus (DESIGN.md §1). `subject` names what it is about (`run:42`, `job:7`, `project:3`).
 */
export interface DomainEvent {
  id: number;
  type: string;
  subject: string;
  data: Record<string, unknown>;
  at: number;
}

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
