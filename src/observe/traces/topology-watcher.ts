import type { Clock } from "../../common/clock.js";
import type { Logger } from "../../common/logger.js";
import type { EventLog } from "../../events/index.js";
import type { SpansRepo } from "../../store/index.js";
import { buildDependencyGraph } from "./dependency-graph.js";

/** Options of the topology watcher. */
export interface TopologyOptions {
  /** Window the live graph covers (default 15 min). */
  windowMs?: number;
  /** Quiet time after an ingest before recomputing (default 1 s). */
  debounceMs?: number;
  /** Change of an edge's error rate, since it was last announced, that is announced (default 0.1). */
  errorRateDelta?: number;
}

/** What changed on one edge. */
export interface TopologyChange {
  from: string;
  to: string;
  change: "added" | "error_rate";
  errorRate: number;
  previous?: number;
}

/**
 * Keeps the live service dependency graph: ingests `notify` it, it recomputes the graph of the
 * last window after a quiet moment and emits `topology.updated` (subject `topology`) when an edge
 * appears or an edge's error rate moved by at least `errorRateDelta` since last announced.
 */
export class TopologyWatcher {
  readonly #announced = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly spans: SpansRepo,
    private readonly events: EventLog,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: TopologyOptions = {},
  ) {}

  /** Spans were stored: schedule a refresh. */
  notify(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.refresh().catch((err) => this.log.error({ err }, "topology refresh failed"));
    }, this.opts.debounceMs ?? 1000);
    this.#timer.unref();
  }

  /** Recomputes the graph now, announces material changes, and returns them. */
  async refresh(): Promise<TopologyChange[]> {
    const to = this.clock.now();
    const windowMs = this.opts.windowMs ?? 15 * 60_000;
    const graph = buildDependencyGraph(await this.spans.window(to - windowMs, to), { from: to - windowMs, to });
    const delta = this.opts.errorRateDelta ?? 0.1;
    const changes: TopologyChange[] = [];
    for (const e of graph.edges) {
      const key = `${e.from}\u0000${e.to}`;
      const previous = this.#announced.get(key);
      if (previous === undefined) changes.push({ from: e.from, to: e.to, change: "added", errorRate: e.errorRate });
      else if (Math.abs(e.errorRate - previous) >= delta) {
        changes.push({ from: e.from, to: e.to, change: "error_rate", errorRate: e.errorRate, previous });
      } else continue;
      this.#announced.set(key, e.errorRate);
    }
    if (changes.length > 0) {
      await this.events.emit(
        "topology.updated",
        { kind: "topology" },
        { windowMs, changes, edges: graph.edges.length },
      );
    }
    return changes;
  }

  /** Cancels a pending refresh. */
  stop(): void {
    clearTimeout(this.#timer);
  }
}
