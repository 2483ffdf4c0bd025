/**
 * One scraper per registered service that has a metrics URL, kept in step with the services
 * registry: `sync()` stops the scrapers of services that left the registry or changed their URL
 * or interval, and starts one for each new service. Nothing is scraped before `start()` or
 * after `stop()`.
 */
import type { Clock } from "../../../common/clock.js";
import type { Logger } from "../../../common/logger.js";
import type { EventLog } from "../../../events/index.js";
import type { SeriesRepo, Service } from "../../../store/index.js";
import { Scraper } from "./scraper.js";

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
  #started = false;

  constructor(private readonly deps: ScraperFleetDeps) {}

  /** The running scrapers by service name (empty until started). */
  get scrapers(): ReadonlyMap<string, Scraper> {
    return this.#scrapers;
  }

  /** Starts scraping and matches the registry. */
  async start(): Promise<void> {
    this.#started = true;
    await this.sync();
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
      const { series, events, clock, log, maxSeries } = this.deps;
      const scraper = new Scraper(
        { job: s.name, url: s.metricsUrl, intervalMs: s.scrapeIntervalMs },
        { series, events, clock, log, maxSeries },
      );
      this.#scrapers.set(s.name, scraper);
      scraper.start();
    }
  }

  /** Stops every scraper; a later `sync` starts none until `start` again. */
  stop(): void {
    this.#started = false;
    for (const s of this.#scrapers.values()) s.stop();
    this.#scrapers.clear();
  }
}
