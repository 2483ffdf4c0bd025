/**
 * Watches stored service logs for what a human on call would notice first: a message the service
 * never logged before, and a message that suddenly repeats far more often than usual.
 *
 * Each service gets its own `LogMiner` (so template ids are per service), and one `TemplateStats`
 * tracks every (service, template) pair. A new template is only reported once its service has been
 * watched for `warmupMs` of log time: during start-up everything is new and nothing is news. Bursts
 * come from `TemplateStats` (Poisson tail of the bucket count against the template's EWMA rate).
 * At most `maxServices` miners are kept; the least recently seen service is dropped and starts
 * learning again when it returns.
 */
import { LogMiner, templateText } from "./log-miner.js";
import { TemplateStats, type TemplateStatsOptions } from "./template-stats.js";

/** One line as the watcher reads it. */
export interface WatchedLine {
  service: string;
  at: number;
  level: string;
  message: string;
}

/** Something worth telling about a service's logs. */
export interface LogFinding {
  kind: "new-template" | "burst";
  service: string;
  templateId: string;
  template: string;
  /** Level and text of the line that triggered the finding. */
  level: string;
  example: string;
  at: number;
  /** Bursts: lines in the bucket, the usual count, and P(count or more | usual). */
  count?: number;
  expected?: number;
  pValue?: number;
}

/** Tuning of the watcher. */
export interface LogTemplateWatcherOptions extends TemplateStatsOptions {
  /** Log time a service is watched before its new templates count as news (default 5 minutes). */
  warmupMs?: number;
  /** Most services with a miner (default 1,000). */
  maxServices?: number;
}

/** Per-service template mining with new-template and burst findings (see the file comment). */
export class LogTemplateWatcher {
  readonly #miners = new Map<string, { miner: LogMiner; since: number }>();
  readonly #stats: TemplateStats;
  readonly #warmupMs: number;
  readonly #maxServices: number;

  constructor(options: LogTemplateWatcherOptions = {}) {
    const { warmupMs = 300_000, maxServices = 1000, ...stats } = options;
    this.#stats = new TemplateStats(stats);
    this.#warmupMs = warmupMs;
    this.#maxServices = maxServices;
  }

  /** Mines the lines in order and returns the findings they raise. */
  observe(lines: Iterable<WatchedLine>): LogFinding[] {
    const findings: LogFinding[] = [];
    for (const line of lines) {
      const entry = this.#minerOf(line.service, line.at);
      const { cluster } = entry.miner.mine(line.message);
      for (const event of this.#stats.observe(line.service, cluster.id, line.at)) {
        if (event.kind === "new-template" && line.at - entry.since < this.#warmupMs) continue;
        const finding: LogFinding = {
          kind: event.kind,
          service: line.service,
          templateId: cluster.id,
          template: templateText(cluster),
          level: line.level,
          example: line.message.slice(0, 2000),
          at: line.at,
        };
        if (event.kind === "burst")
          Object.assign(finding, { count: event.count, expected: event.expected, pValue: event.pValue });
        findings.push(finding);
      }
    }
    return findings;
  }

  #minerOf(service: string, at: number) {
    let entry = this.#miners.get(service);
    if (entry) {
      this.#miners.delete(service);
    } else {
      entry = { miner: new LogMiner(), since: at };
      if (this.#miners.size >= this.#maxServices) this.#miners.delete(this.#miners.keys().next().value!);
    }
    this.#miners.set(service, entry);
    return entry;
  }
}
