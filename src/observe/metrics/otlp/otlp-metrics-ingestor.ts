/**
 * Stores OTLP metrics exports in the built-in TSDB, beside what the scraper writes:
 *
 *   parse (a malformed export stores nothing) → per data point, in order:
 *   refused by the converter? → timed more than 10 min ahead? → past `maxPoints` of this request?
 *   → a new series past the service's cap (`maxSeriesPerService`, keyed by `job`) or the
 *     receiver's (`maxSeries`), even after forgetting series not written for an hour (at most
 *     once a minute)?
 *   → else its samples are kept, delta values added to the series' running total (a delta point
 *     not newer than the series' last one is skipped: an export retried after it was stored)
 *   → append every kept sample in one batch → answer the refused points as a partial success.
 *
 * Running totals of delta series live in memory: after a restart a delta counter starts again
 * from zero, which PromQL's `rate`/`increase` read as a counter reset (as with a restarted process).
 * A service going over its cap emits one `metrics.cardinality_capped` warning until it is back under.
 */
import type { Clock } from "../../../common/clock.js";
import type { Logger } from "../../../common/logger.js";
import type { EventLog } from "../../../events/index.js";
import { type NewSample, type SeriesRepo, seriesHash } from "../../../store/index.js";
import type { OtlpPartialSuccess } from "../../otlp/otlp-protobuf.js";
import { type OtlpPoint, parseOtlpMetrics } from "./otlp-metrics.js";

/** How far ahead of the server's clock a point may be timed (clock skew); later ones would outlive retention. */
const MAX_AHEAD_MS = 600_000;

/** A series not written for this long no longer counts against the caps (its samples stay stored). */
const IDLE_MS = 3_600_000;

/** What the ingestor writes to, reports through, and its bounds. */
export interface OtlpMetricsDeps {
  series: SeriesRepo;
  events: EventLog;
  clock: Clock;
  log: Logger;
  /** Data points taken from one export; the rest are refused. */
  maxPoints: number;
  /** Distinct series one service (`job`) may create. */
  maxSeriesPerService: number;
  /** Distinct series all OTLP senders together may create. */
  maxSeries: number;
}

/** The OTLP/HTTP and OTLP/gRPC metrics receiver's storage side (one per server). */
export class OtlpMetricsIngestor {
  /** job → hash of each series it writes → when it last wrote it (ms). */
  readonly #known = new Map<string, Map<string, number>>();
  #total = 0;
  #lastForget = 0;
  /** series hash → running total of a delta series and the time of the last point added. */
  readonly #sums = new Map<string, { sum: number; t: number }>();
  /** jobs over their cap since their last export within it. */
  readonly #capped = new Set<string>();

  constructor(private readonly deps: OtlpMetricsDeps) {}

  /** Stores an export in the OTLP/JSON shape; answers what it refused (undefined when nothing). */
  async ingest(body: unknown): Promise<OtlpPartialSuccess | undefined> {
    const { clock, series, maxPoints } = this.deps;
    const now = clock.now();
    const batch = parseOtlpMetrics(body, now);
    const kept: NewSample[] = [];
    const reasons = new Set<string>();
    const overCap = new Map<string, { instance: string; dropped: number }>();
    let rejected = 0;
    let taken = 0;
    const refuse = (reason: string) => {
      rejected++;
      if (reasons.size < 3) reasons.add(reason);
    };
    for (const point of batch.points) {
      if (point.refused) refuse(point.refused);
      else if (point.samples.some((x) => x.t > now + MAX_AHEAD_MS))
        refuse("a point is timed more than 10 minutes ahead");
      else if (taken >= maxPoints) refuse(`more than ${maxPoints} data points in one export`);
      else if (!this.#admit(point, now)) {
        refuse(`series limit reached for job "${point.job}"`);
        const o = overCap.get(point.job) ?? { instance: point.instance, dropped: 0 };
        overCap.set(point.job, { ...o, dropped: o.dropped + 1 });
      } else {
        taken++;
        for (const s of point.samples) {
          const v = s.delta ? this.#add(s) : s.v;
          if (v !== undefined) kept.push({ labels: s.labels, t: s.t, v });
        }
      }
    }
    for (const info of batch.targetInfo) {
      if (this.#admit({ job: info.labels.job ?? "", instance: "", samples: [info] }, now)) kept.push(info);
    }
    await series.append(kept, now);
    await this.#announceCaps(overCap, batch.points);
    return rejected === 0 ? undefined : { rejected, message: [...reasons].join("; ") };
  }

  /** Admits a point when all its series are known or fit under both caps; records them as written now. */
  #admit(point: OtlpPoint, now: number): boolean {
    const known = this.#known.get(point.job) ?? new Map<string, number>();
    const hashes = [...new Set(point.samples.map((s) => seriesHash(s.labels)))];
    const fresh = hashes.filter((h) => !known.has(h)).length;
    const fits = () =>
      known.size + fresh <= this.deps.maxSeriesPerService && this.#total + fresh <= this.deps.maxSeries;
    if (fresh > 0 && !fits() && !(this.#forgetIdle(now) && fits())) return false;
    for (const h of hashes) known.set(h, now);
    this.#known.set(point.job, known);
    this.#total += fresh;
    return true;
  }

  /**
   * Forgets series not written for `IDLE_MS` (a restarted process's old `instance`, say), so they
   * stop counting against the caps; at most once a minute. True when it ran.
   */
  #forgetIdle(now: number): boolean {
    if (now - this.#lastForget < 60_000) return false;
    this.#lastForget = now;
    for (const [job, known] of this.#known) {
      for (const [h, seen] of known) {
        if (seen >= now - IDLE_MS) continue;
        known.delete(h);
        this.#sums.delete(h);
        this.#total--;
      }
      if (known.size === 0) this.#known.delete(job);
    }
    return true;
  }

  /** Adds a delta point to its series' total; undefined for a point not newer than the last (a retried export). */
  #add(s: { labels: Record<string, string>; t: number; v: number }): number | undefined {
    const h = seriesHash(s.labels);
    const last = this.#sums.get(h);
    if (last && s.t <= last.t) return undefined;
    const sum = (last?.sum ?? 0) + s.v;
    this.#sums.set(h, { sum, t: s.t });
    return sum;
  }

  async #announceCaps(overCap: Map<string, { instance: string; dropped: number }>, points: OtlpPoint[]) {
    for (const job of new Set(points.map((p) => p.job))) if (!overCap.has(job)) this.#capped.delete(job);
    for (const [job, { instance, dropped }] of overCap) {
      if (this.#capped.has(job)) continue;
      this.#capped.add(job);
      const limit = Math.min(this.deps.maxSeriesPerService, this.deps.maxSeries);
      this.deps.log.warn({ job, limit, dropped }, "OTLP metrics of a service exceed the series limit; points refused");
      await this.deps.events.emit(
        "metrics.cardinality_capped",
        { kind: "service", key: job },
        { service: job, instance, limit, dropped, level: "warning" },
      );
    }
  }
}
