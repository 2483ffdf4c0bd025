/**
 * One scraper per registered service that has a metrics URL, kept in step with the services
 * registry: `sync()` stops the scrapers of services that left the registry or changed their URL
 * or interval, and starts one for each new service. Nothing is scraped before `start()` or
 * after `stop()`.
 *
 * Besides the registry, targets can be announced one by one (`announce(key, target)`, e.g. each
 * replica of each release, labelled with both, so a canary's errors are not blended with the
 * live release's) and withdrawn (`withdraw(key)`); announcing a key again replaces its target.
 * Announced targets are remembered while stopped and scraped from `start()` on.
 */
import type { Clock } from "../../../common/clock.js";
import type { Logger } from "../../../common/logger.js";
import type { EventLog } from "../../../events/index.js";
import type { SeriesRepo, Service } from "../../../store/index.js";
import { type ScrapeTarget, Scraper } from "./scraper.js";

/** Where the fleet reads the registry and writes samples. */
export interface ScraperFleetDeps {
  services: { list(): Promise<Service[]> };
  series: SeriesRepo;
  events: EventLog;
  clock: Clock;
  log: Logger;
  /** Per-target limit of distinct series. */
  maxSeries?: number;
}

/** The running scrapers of the registered services. */
export class ScraperFleet {
  readonly #scrapers = new Map<string, Scraper>();
  readonly #announced = new Map<string, { target: ScrapeTarget; scraper?: Scraper }>();
  #started = false;

  constructor(private readonly deps: ScraperFleetDeps) {}

  /** The running scrapers by service name (empty until started). */
  get scrapers(): ReadonlyMap<string, Scraper> {
    return this.#scrapers;
  }

  /** Starts scraping: the announced targets and the registry's. */
  async start(): Promise<void> {
    this.#started = true;
    for (const a of this.#announced.values()) a.scraper ??= this.#run(a.target);
    await this.sync();
  }

  /** Scrapes `target` under `key` (replacing what the key had) from now on, or from `start()`. */
  announce(key: string, target: ScrapeTarget): void {
    this.#announced.get(key)?.scraper?.stop();
    this.#announced.set(key, { target, scraper: this.#started ? this.#run(target) : undefined });
  }

  /** Stops scraping what was announced under `key` (no-op when unknown). */
  withdraw(key: string): void {
    this.#announced.get(key)?.scraper?.stop();
    this.#announced.delete(key);
  }

  /** Targets announced and not withdrawn, by key. */
  get announced(): ReadonlyMap<string, ScrapeTarget> {
    return new Map([...this.#announced].map(([k, a]) => [k, a.target]));
  }

  /** Starts, restarts or stops scrapers to match the services registry (nothing before `start`). */
  async sync(): Promise<void> {
    if (!this.#started) return;
    const wanted = (await this.deps.services.list()).filter((s) => s.metricsUrl);
    if (!this.#started) return;
    for (const [name, s] of this.#scrapers) {
      const w = wanted.find((x) => x.name === name);
      if (!w || w.metricsUrl !== s.target.url || w.scrapeIntervalMs !== s.target.intervalMs) {
        s.stop();
        this.#scrapers.delete(name);
      }
    }
    for (const s of wanted) {
      if (this.#scrapers.has(s.name) || !s.metricsUrl) continue;
      this.#scrapers.set(s.name, this.#run({ job: s.name, url: s.metricsUrl, intervalMs: s.scrapeIntervalMs }));
    }
  }

  #run(target: ScrapeTarget): Scraper {
    const { series, events, clock, log, maxSeries } = this.deps;
    const scraper = new Scraper(target, { series, events, clock, log, maxSeries });
    scraper.start();
    return scraper;
  }

  /** Stops every scraper; a later `sync` starts none until `start` again. */
  stop(): void {
    this.#started = false;
    for (const s of this.#scrapers.values()) s.stop();
    this.#scrapers.clear();
    for (const a of this.#announced.values()) {
      a.scraper?.stop();
      a.scraper = undefined;
    }
  }
}
