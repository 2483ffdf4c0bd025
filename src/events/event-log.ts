import type { Clock } from "../common/clock.js";
import type { EventsRepo, NewEvent, StoredEvent } from "../store/index.js";
import type { Bus } from "./bus.js";
import type { DomainEvent } from "./domain-event.js";
import type { EventPayloads, EventType } from "./event-payloads.js";
import { readEvent } from "./read-event.js";
import { type Subject, subjectKey } from "./subject.js";

/**
 * Appends domain events to the store first, then publishes them on the bus. `emit` is checked at
 * compile time (the payload must match the type); `list` checks what it reads back and skips an
 * event of an unknown type or with a malformed payload, with a warning, instead of failing.
 */
export class EventLog {
  constructor(
    private readonly repo: EventsRepo,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly log?: { warn(details: object, message: string): void },
  ) {}

  /** Records an event durably and announces it; returns it with its id. */
  async emit<T extends EventType>(type: T, subject: Subject, data: EventPayloads[T]): Promise<DomainEvent<T>> {
    const stored = await this.repo.append({ type, subject: subjectKey(subject), data, at: this.clock.now() });
    const event = { ...stored, type, data };
    this.bus.publish({ kind: "event", event: event as DomainEvent });
    return event as DomainEvent<T>;
  }

  /**
   * An event to store together with the state it announces (a repository appends it in that
   * state's transaction); pass the stored result to `publish` after the commit. Checked at compile
   * time like `emit`.
   */
  draft<T extends EventType>(type: T, subject: Subject, data: EventPayloads[T]): NewEvent {
    return { type, subject: subjectKey(subject), data, at: this.clock.now() };
  }

  /** Announces events already stored from `draft`s, in their order. */
  publish(stored: StoredEvent[]): void {
    for (const event of stored) this.bus.publish({ kind: "event", event: event as DomainEvent });
  }

  /** Stored events after `afterId` (oldest first), for replay before following the bus live. */
  async list(opts: EventQuery): Promise<DomainEvent[]> {
    return (await this.page(opts)).events;
  }

  /**
   * Like `list`, with what a pager needs when events were skipped: `lastId` is the id of the last
   * stored row read (skipped or not) and `more` whether a full page of rows was read.
   */
  async page(opts: EventQuery): Promise<{ events: DomainEvent[]; lastId: number | undefined; more: boolean }> {
    const rows = await this.repo.list(opts);
    const events: DomainEvent[] = [];
    for (const raw of rows) {
      const read = readEvent(raw);
      if ("event" in read) events.push(read.event);
      else this.log?.warn({ eventId: raw.id, type: raw.type }, `stored event skipped: ${read.refused}`);
    }
    return { events, lastId: rows.at(-1)?.id, more: rows.length === Math.min(opts.limit ?? 500, 5000) };
  }
}

/** Which stored events to read: after an id, by `?subject=` filter (whole segments: common/subject-filter.ts), by type, at most `limit` (500; 5000 at most). */
export interface EventQuery {
  afterId?: number;
  subjectPrefix?: string;
  type?: string;
  limit?: number;
}
