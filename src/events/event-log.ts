import type { Clock } from "../common/clock.js";
import type { EventsRepo } from "../store/index.js";
import type { Bus } from "./bus.js";
import type { DomainEvent } from "./domain-event.js";

/** Appends domain events to the store first, then publishes them on the bus. */
export class EventLog {
  constructor(
    private readonly repo: EventsRepo,
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {}

  /** Records an event durably and announces it; returns it with its id. */
  async emit(type: string, subject: string, data: Record<string, unknown> = {}): Promise<DomainEvent> {
    const event = await this.repo.append({ type, subject, data, at: this.clock.now() });
    this.bus.publish({ kind: "event", event });
    return event;
  }

  /** Stored events after `afterId`, for replay before following the bus live. */
  list(opts: { afterId?: number; subjectPrefix?: string; type?: string; limit?: number }): Promise<DomainEvent[]> {
    return this.repo.list(opts);
  }
}
