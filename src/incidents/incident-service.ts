import type { Clock } from "../common/clock.js";
import { ConflictError } from "../common/errors.js";
import type { Logger } from "../common/logger.js";
import { type Bus, type DomainEvent, type EventLog, onEvent, readEvent, type Subject } from "../events/index.js";
import type { Incident, IncidentSignal, IncidentsRepo } from "../store/index.js";
import type { SettingsRepo } from "../store/index.js";
import { type CorrelatorOptions, correlate } from "./correlator.js";
import { assertTransition } from "./incident-lifecycle.js";
import { maxSeverity, SIGNAL_EVENTS, type Signal, signalFromEvent } from "./signal.js";

/** What the incident service needs. */
export interface IncidentDeps {
  incidents: IncidentsRepo;
  settings: SettingsRepo;
  events: EventLog;
  clock: Clock;
  log: Logger;
  /** The current service dependency edges (from traces), for grouping neighbours. */
  edges: () => Promise<Array<{ from: string; to: string }>>;
}

const CURSOR_KEY = "incidents.event_cursor";
const subject = (id: number): Subject => ({ kind: "incident", id });
const toStored = (s: Signal): IncidentSignal => ({
  kind: s.kind,
  key: s.key,
  service: s.service,
  status: s.status,
  data: s.data,
  at: s.at,
});

/**
 * Turns alert and anomaly events into incidents (lifecycle: incident-lifecycle.ts). Events come
 * live from the bus; on start it catches up from the event log after its persisted cursor, so
 * events published while it was down are applied too. One event at a time, in arrival order.
 * Applying an event is idempotent (its id is unique in the timeline, and recent ids are
 * remembered), so a replay or a second replica reading the same event does nothing more.
 */
export class IncidentService {
  #chain: Promise<void> = Promise.resolve();
  readonly #recent = new Set<number>();
  #cursor: number | undefined;

  constructor(
    private readonly deps: IncidentDeps,
    private readonly opts: CorrelatorOptions,
  ) {}

  /** Subscribes to the bus and catches up with the event log; returns the function that stops it. */
  attach(bus: Bus): () => void {
    const off = onEvent(bus, SIGNAL_EVENTS, (e) => void this.#enqueue(() => this.#applyOnce(e)));
    void this.catchUp();
    return off;
  }

  /** Applies every stored signal event after the cursor, after the events already queued; resolves when done. */
  catchUp(): Promise<void> {
    return this.#enqueue(async () => {
      for (;;) {
        const page = await this.deps.incidents.eventsAfter(await this.#loadCursor(), SIGNAL_EVENTS, 500);
        for (const raw of page) {
          const read = readEvent(raw);
          if ("event" in read) await this.#applyOnce(read.event);
          else {
            this.deps.log.warn({ eventId: raw.id, type: raw.type }, `signal event skipped: ${read.refused}`);
            await this.#advanceCursor(raw.id);
          }
        }
        if (page.length < 500) return;
      }
    });
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(task).catch((err) => this.deps.log.error({ err }, "incident correlation failed"));
    return this.#chain;
  }

  async #loadCursor(): Promise<number> {
    this.#cursor ??= Number((await this.deps.settings.get(CURSOR_KEY)) ?? 0);
    return this.#cursor;
  }

  async #applyOnce(e: DomainEvent): Promise<void> {
    if (this.#recent.has(e.id)) return;
    await this.apply(e);
    this.#recent.add(e.id);
    if (this.#recent.size > 10_000) this.#recent.delete(this.#recent.values().next().value!);
    await this.#advanceCursor(e.id);
  }

  async #advanceCursor(id: number): Promise<void> {
    if (id <= (await this.#loadCursor())) return;
    this.#cursor = id;
    await this.deps.settings.set(CURSOR_KEY, String(id));
  }

  /** Applies one event (idempotent): opens or joins an incident, or resolves an alert signal. */
  async apply(e: DomainEvent): Promise<void> {
    const signal = signalFromEvent(e);
    if (!signal || (await this.deps.incidents.seenEvent(e.id))) return;
    try {
      if (signal.status === "resolved") await this.#alertResolved(signal, e.id);
      else await this.#firing(signal, e.id);
    } catch (err) {
      if (await this.deps.incidents.seenEvent(e.id)) return; // another replica applied it first
      throw err;
    }
  }

  async #firing(signal: Signal, eventId: number): Promise<void> {
    const { incidents, events, clock } = this.deps;
    const unresolved = await incidents.listUnresolved();
    const open = await Promise.all(
      unresolved.map(async (i) => ({
        id: i.id,
        services: i.services,
        lastSignalAt: i.lastSignalAt,
        activeSignals: (await incidents.signals(i.id))
          .filter((s) => s.status === "firing")
          .map((s) => `${s.kind}:${s.key}`),
      })),
    );
    const decision = correlate(signal, open, await this.deps.edges(), this.opts);
    const entry = { type: "signal", data: { ...toStored(signal), title: signal.title }, eventId, at: clock.now() };
    const brief = { kind: signal.kind, key: signal.key, service: signal.service, title: signal.title };
    if (decision.action === "open") {
      const created = await incidents.open(
        { title: signal.title, service: signal.service, severity: signal.severity, at: clock.now() },
        toStored(signal),
        [entry, { type: "opened", data: { status: "open" }, eventId: null, at: clock.now() }],
      );
      await events.emit("incident.opened", subject(created.id), {
        id: created.id,
        title: created.title,
        service: created.service,
        severity: created.severity,
        signal: brief,
      });
    } else if (decision.action === "join") {
      const current = unresolved.find((i) => i.id === decision.incidentId)!;
      const services = current.services.includes(signal.service)
        ? current.services
        : [...current.services, signal.service];
      await incidents.addSignal(
        current.id,
        toStored(signal),
        {
          services,
          severity: maxSeverity(current.severity, signal.severity),
          lastSignalAt: Math.max(current.lastSignalAt, signal.at),
        },
        [{ ...entry, data: { ...entry.data, reason: decision.reason } }],
      );
      await events.emit("incident.updated", subject(current.id), {
        id: current.id,
        change: "signal_added",
        reason: decision.reason,
        signal: brief,
        services,
      });
    }
  }

  async #alertResolved(signal: Signal, eventId: number): Promise<void> {
    const { incidents, events, clock } = this.deps;
    let first = true;
    for (const incident of await incidents.unresolvedWithSignal("alert", signal.key)) {
      const entry = {
        type: "signal_resolved",
        data: { kind: "alert", key: signal.key, service: signal.service },
        eventId: first ? eventId : null,
        at: clock.now(),
      };
      first = false;
      await incidents.resolveSignal(incident.id, "alert", signal.key, [entry]);
      await events.emit("incident.updated", subject(incident.id), {
        id: incident.id,
        change: "signal_resolved",
        signal: { kind: "alert", key: signal.key },
      });
      const alerts = (await incidents.signals(incident.id)).filter((s) => s.kind === "alert");
      if (alerts.every((s) => s.status === "resolved")) {
        await this.#transition(incident.id, "resolved", "auto", "all alerts resolved", true);
      }
    }
  }

  /** Acknowledges an open incident (ConflictError when it is not open). */
  acknowledge(id: number, by: string): Promise<Incident> {
    return this.#transition(id, "acknowledged", by, "acknowledged");
  }

  /** Resolves an open or acknowledged incident (ConflictError when already resolved). */
  resolve(id: number, by: string, note?: string): Promise<Incident> {
    return this.#transition(id, "resolved", by, note ?? "resolved by hand");
  }

  /** Compare-and-set with a few retries when only the version moved (a signal joined meanwhile). */
  async #transition(
    id: number,
    to: "acknowledged" | "resolved",
    by: string,
    reason: string,
    quiet = false,
  ): Promise<Incident> {
    const { incidents, events, clock } = this.deps;
    for (let attempt = 0; ; attempt++) {
      const current = await incidents.get(id);
      if (quiet && current.status === to) return current;
      assertTransition(id, current.status, to);
      const at = clock.now();
      const entry = { type: "transition", data: { from: current.status, to, by, reason }, eventId: null, at };
      if (await incidents.transition(id, current, { status: to, at, by }, [entry])) {
        await events.emit(`incident.${to}` as const, subject(id), { id, from: current.status, by, reason });
        return incidents.get(id);
      }
      if (attempt >= 4) throw new ConflictError(`incident ${id} kept changing; try again`);
    }
  }
}
