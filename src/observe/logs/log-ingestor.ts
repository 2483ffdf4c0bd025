import type { Logger } from "../../common/logger.js";
import type { EventLog } from "../../events/index.js";
import type { LogRecord, LogRecordsRepo } from "../../store/index.js";
import { inferLevel } from "./infer-level.js";

/** Called with each batch of records once it is stored (e.g. the log template miner). */
export type LogRecordsHook = (records: LogRecord[]) => void;

/**
 * Stores batches of log records from every path (HTTP, OTLP, tailed files) all-or-nothing — a
 * quiet record carrying a stack trace is stored as an error (infer-level.ts) — emits
 * one `logs.ingested` event per batch (counts per service and level, never the records), then
 * hands the batch to in-process hooks. A throwing hook is logged and does not affect the others.
 */
export class LogIngestor {
  readonly #hooks = new Set<LogRecordsHook>();

  constructor(
    private readonly repo: LogRecordsRepo,
    private readonly events: EventLog,
    private readonly log: Logger,
  ) {}

  /** Attaches a hook; returns the function that detaches it. */
  onLogRecords(hook: LogRecordsHook): () => void {
    this.#hooks.add(hook);
    return () => this.#hooks.delete(hook);
  }

  /** Stores `records` (all or none) and announces them; returns how many were stored. */
  async ingest(batch: LogRecord[], source: LogRecord["source"]): Promise<number> {
    if (batch.length === 0) return 0;
    const records = batch.map(inferLevel);
    await this.repo.insertMany(records);
    const services: Record<string, number> = {};
    const levels: Record<string, number> = {};
    for (const r of records) {
      services[r.service] = (services[r.service] ?? 0) + 1;
      levels[r.level] = (levels[r.level] ?? 0) + 1;
    }
    await this.events.emit(
      "logs.ingested",
      { kind: "logs", key: source },
      { source, count: records.length, services, levels },
    );
    for (const hook of this.#hooks) {
      try {
        hook(records);
      } catch (err) {
        this.log.error({ err }, "a log records hook failed (this is a bug in the hook, the records are stored)");
      }
    }
    return records.length;
  }
}
