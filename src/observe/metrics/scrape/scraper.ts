/**
 * Scrapes one target's `/metrics` like Prometheus does and appends the samples to the store:
 *
 *   every `intervalMs`: t = now → GET url (timeout: min(interval, 10 s)) → parse the whole text
 *   → add `job` and `instance` (exposed ones are kept as `exported_job`/`exported_instance`)
 *   → cap new series per target → append samples at t (or their own timestamp) in one batch
 *   → append `up` (1, or 0 when the request or the parse failed), `scrape_duration_seconds`
 *     and `scrape_samples_scraped`.
 *
 * A malformed exposition stores nothing of that scrape but `up 0`. The cap keeps the first
 * `maxSeries` series a target ever exposed; samples of further series are dropped and one
 * `metrics.cardinality_capped` warning event is emitted each time the target goes over the cap.
 */
import type { Clock } from "../../../common/clock.js";
import type { Logger } from "../../../common/logger.js";
import type { EventLog } from "../../../events/index.js";
import { type Labels, type NewSample, type SeriesRepo, seriesHash } from "../../../store/index.js";
import { parseExposition } from "../exposition/parse-exposition.js";

/** What to scrape: the `job` label is the service name. */
export interface ScrapeTarget {
  job: string;
  url: string;
  intervalMs: number;
  /** Labels added to every sample (e.g. `release`, `replica`); exposed ones are kept as `exported_<name>`. */
  labels?: Labels;
}

/** What the scraper writes to and reports through. */
export interface ScrapeDeps {
  series: SeriesRepo;
  events: EventLog;
  clock: Clock;
  log: Logger;
  /** Per-target limit of distinct series (default 10,000). */
  maxSeries?: number;
}

/** The outcome of one scrape. */
export interface ScrapeReport {
  up: boolean;
  samples: number;
  dropped: number;
  error?: string;
}

/** One target's scrape state and loop. */
export class Scraper {
  readonly #known = new Set<string>();
  #capped = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #instance: string;

  constructor(
    readonly target: ScrapeTarget,
    private readonly deps: ScrapeDeps,
  ) {
    this.#instance = new URL(target.url).host;
  }

  /** Scrapes now and then every interval until `stop()`. */
  start(): void {
    const loop = async () => {
      await this.scrapeOnce().catch((err) =>
        this.deps.log.error({ err, job: this.target.job }, "storing a scrape failed"),
      );
      if (!this.#stopped) this.#timer = setTimeout(loop, this.target.intervalMs);
    };
    void loop();
  }

  /** Stops the loop (a scrape in flight still completes). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** Scrapes the target once and stores the result. */
  async scrapeOnce(): Promise<ScrapeReport> {
    const { clock, series } = this.deps;
    const t = clock.now();
    const started = performance.now();
    let samples: NewSample[] = [];
    let report: ScrapeReport;
    try {
      const res = await fetch(this.target.url, {
        headers: { accept: "text/plain;version=0.0.4" },
        signal: AbortSignal.timeout(Math.min(this.target.intervalMs, 10_000)),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const parsed = parseExposition(await res.text());
      samples = parsed.samples.map((s) => ({
        labels: this.#targetLabels(s.labels),
        t: s.timestampMs ?? t,
        v: s.value,
      }));
      const before = samples.length;
      samples = samples.filter((s) => this.#admit(s.labels));
      report = { up: true, samples: before, dropped: before - samples.length };
    } catch (err) {
      samples = [];
      report = { up: false, samples: 0, dropped: 0, error: (err as Error).message };
      this.deps.log.warn({ job: this.target.job, url: this.target.url, err: report.error }, "scrape failed");
    }
    const base = { ...this.target.labels, job: this.target.job, instance: this.#instance };
    samples.push(
      { labels: { __name__: "up", ...base }, t, v: report.up ? 1 : 0 },
      { labels: { __name__: "scrape_duration_seconds", ...base }, t, v: (performance.now() - started) / 1000 },
      { labels: { __name__: "scrape_samples_scraped", ...base }, t, v: report.samples },
    );
    await series.append(samples, t);
    await this.#announceCap(report.dropped);
    return report;
  }

  #targetLabels(exposed: Labels): Labels {
    const own: Labels = { ...this.target.labels, job: this.target.job, instance: this.#instance };
    const out: Labels = {};
    for (const [k, v] of Object.entries(exposed)) out[k in own ? `exported_${k}` : k] = v;
    return Object.assign(out, own);
  }

  #admit(labels: Labels): boolean {
    const h = seriesHash(labels);
    if (this.#known.has(h)) return true;
    if (this.#known.size >= (this.deps.maxSeries ?? 10_000)) return false;
    this.#known.add(h);
    return true;
  }

  async #announceCap(dropped: number): Promise<void> {
    if (dropped === 0) {
      this.#capped = false;
      return;
    }
    if (this.#capped) return;
    this.#capped = true;
    const limit = this.deps.maxSeries ?? 10_000;
    this.deps.log.warn({ job: this.target.job, limit, dropped }, "target exposes more series than allowed; capped");
    await this.deps.events.emit(
      "metrics.cardinality_capped",
      { kind: "service", key: this.target.job },
      {
        service: this.target.job,
        instance: this.#instance,
        limit,
        dropped,
        level: "warning",
      },
    );
  }
}
