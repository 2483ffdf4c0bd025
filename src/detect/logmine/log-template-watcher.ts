/**
 * Watches stored service logs for what a human on call would notice first: a message the service
 * never logged before, and a message that suddenly repeats far more often than usual.
 *
 * Each service gets its own `LogMiner` (so template ids are per service), and one `TemplateStats`
 * tracks every (service, template) pair. A template is new when the service's own miner creates it
 * (`isNew`), never because the shared counts lost its pair: other services' lines, however many,
 * cannot make a known template news again. A new template is only reported once its service has
 * been watched for `warmupMs` of log time: during start-up everything is new and nothing is news.
 * Bursts come from `TemplateStats` (Poisson tail of the bucket count against the template's EWMA
 * rate); a pair it evicted only starts its burst warm-up again.
 * At most `maxServices` miners are kept; the least recently seen service is dropped and starts
 * learning again when it returns; a service's miner keeps at most `maxTemplates` templates.
 *
 * A service's templates and counts can be taken out as plain JSON (`snapshot`) and put back
 * (`restore`): the `log-templates` model (detect/learning) checkpoints them as versions, and every
 * finding names what it was learnt from (`learnt`: the version restored and the lines since).
 */
import type { DrainSnapshot } from "./drain.js";
import { LogMiner, templateText, WATCHER_MINED } from "./log-miner.js";
import {
  type TemplateEvent,
  type TemplateStatSnapshot,
  TemplateStats,
  type TemplateStatsOptions,
} from "./template-stats.js";

/** Most templates a service's miner keeps by default (the least recently matched go first). */
export const MAX_TEMPLATES = 5000;

/**
 * Most bytes of JSON a service's saved templates take: beyond it `snapshot` leaves out the least
 * recently matched templates (with the line caps of `LogMiner`, 5,000 ordinary templates take
 * about 0.6 MB, so only hostile lines reach it).
 */
export const MAX_SNAPSHOT_BYTES = 4 * 1024 * 1024;

/** A service's learnt templates and per-template counts as plain JSON. */
export interface ServiceTemplates {
  /** Log time the service was first watched (its warm-up counts from it). */
  since: number;
  /** Lines learnt. */
  lines: number;
  miner: DrainSnapshot;
  /** Per-template bucket counts and rates, of the miner's live templates only. */
  stats: TemplateStatSnapshot[];
}

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
  /** What the service's templates were learnt from, e.g. `log-templates v3 + 120 lines`. */
  learnt: string;
  /** Lines of the template the service logged before this one (0 for a new template). */
  seen: number;
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
  /** Most templates per service (default {@link MAX_TEMPLATES}). */
  maxTemplates?: number;
}

interface ServiceEntry {
  miner: LogMiner;
  since: number;
  lines: number;
  /** The version it was restored from, and the lines since. */
  origin?: string;
  fresh: number;
}

/** Per-service template mining with new-template and burst findings (see the file comment). */
export class LogTemplateWatcher {
  readonly #miners = new Map<string, ServiceEntry>();
  readonly #stats: TemplateStats;
  readonly #warmupMs: number;
  readonly #maxServices: number;
  readonly #maxTemplates: number;
  /** Services being restored: their lines are mined but raise nothing until `settle`. */
  readonly #restoring = new Set<string>();

  constructor(options: LogTemplateWatcherOptions = {}) {
    const { warmupMs = 300_000, maxServices = 1000, maxTemplates = MAX_TEMPLATES, ...stats } = options;
    this.#stats = new TemplateStats({ maxTracked: 2 * maxTemplates, ...stats });
    this.#warmupMs = warmupMs;
    this.#maxServices = maxServices;
    this.#maxTemplates = maxTemplates;
  }

  /** Mines the lines in order and returns the findings they raise. */
  observe(lines: Iterable<WatchedLine>): LogFinding[] {
    const findings: LogFinding[] = [];
    for (const line of lines) findings.push(...this.observeLine(line).findings);
    return findings;
  }

  /** Mines one line: the template it joined and the findings it raises. */
  observeLine(line: WatchedLine): { templateId: string; findings: LogFinding[] } {
    const findings: LogFinding[] = [];
    const entry = this.#minerOf(line.service, line.at);
    const { cluster, isNew } = entry.miner.mine(line.message);
    entry.lines++;
    entry.fresh++;
    const events: TemplateEvent[] = this.#stats
      .observe(line.service, cluster.id, line.at)
      .filter((e) => e.kind === "burst");
    if (this.#restoring.has(line.service)) return { templateId: cluster.id, findings };
    if (isNew && line.at - entry.since >= this.#warmupMs)
      events.unshift({ kind: "new-template", service: line.service, templateId: cluster.id, at: line.at });
    for (const event of events) {
      const finding: LogFinding = {
        kind: event.kind,
        service: line.service,
        templateId: cluster.id,
        template: templateText(cluster),
        level: line.level,
        example: line.message.slice(0, 2000),
        at: line.at,
        learnt: this.#learnt(entry, 1),
        seen: event.kind === "new-template" ? 0 : cluster.size - 1,
      };
      if (event.kind === "burst")
        Object.assign(finding, { count: event.count, expected: event.expected, pValue: event.pValue });
      findings.push(finding);
    }
    return { templateId: cluster.id, findings };
  }

  /** What `service`'s templates were learnt from (undefined when it is not watched). */
  provenance(service: string): string | undefined {
    const entry = this.#miners.get(service);
    return entry && this.#learnt(entry, 0);
  }

  /** The services watched, least recently seen first. */
  services(): string[] {
    return [...this.#miners.keys()];
  }

  /**
   * `service`'s templates and counts as plain JSON, or undefined when it is not watched; at most
   * `maxBytes` of templates (the least recently matched beyond it are left out).
   */
  snapshot(service: string, maxBytes = MAX_SNAPSHOT_BYTES): ServiceTemplates | undefined {
    const entry = this.#miners.get(service);
    if (!entry) return undefined;
    const miner = withinBytes(entry.miner.snapshot(), maxBytes);
    const live = new Set(miner.clusters.map(([id]) => id));
    return {
      since: entry.since,
      lines: entry.lines,
      miner,
      stats: this.#stats.snapshot(service, (id) => live.has(id)),
    };
  }

  /**
   * Replaces what `service` learnt with `state` (a `snapshot`), naming `origin` (e.g.
   * `log-templates v3`) in its findings; throws a RangeError on a malformed state (nothing replaced).
   */
  restore(service: string, state: ServiceTemplates, origin: string): void {
    const miner = new LogMiner({ maxClusters: this.#maxTemplates, ...WATCHER_MINED });
    miner.restore(state.miner);
    if (!Number.isFinite(state.since) || !Number.isFinite(state.lines)) throw new RangeError("not a templates state");
    this.#stats.restore(service, state.stats);
    this.#miners.delete(service);
    this.#put(service, { miner, since: state.since, lines: state.lines, origin, fresh: 0 });
  }

  /**
   * Marks `service` as being restored: until `settle(service)` its lines are mined but raise no
   * finding (what it knew is not back yet, so everything would look new).
   */
  hold(service: string): void {
    this.#restoring.add(service);
  }

  /** Ends `hold(service)`: its lines raise findings again. */
  settle(service: string): void {
    this.#restoring.delete(service);
  }

  /** Forgets `service`: it starts learning again with its next line. */
  forget(service: string): void {
    this.#miners.delete(service);
    this.#stats.forget(service);
  }

  /** What the template with `templateId` of `service` is and knows now (for explanations). */
  template(service: string, templateId: string) {
    const cluster = this.#miners.get(service)?.miner.get(templateId);
    if (!cluster) return undefined;
    return { template: templateText(cluster), lines: cluster.size, rate: this.#stats.current(service, templateId) };
  }

  #learnt(entry: ServiceEntry, pending: number): string {
    const since = entry.fresh - pending;
    return entry.origin === undefined
      ? `learnt since it was first watched: ${entry.lines - pending} lines`
      : `${entry.origin} + ${since} lines`;
  }

  #minerOf(service: string, at: number): ServiceEntry {
    let entry = this.#miners.get(service);
    if (entry) {
      this.#miners.delete(service);
      this.#miners.set(service, entry);
      return entry;
    }
    entry = {
      miner: new LogMiner({ maxClusters: this.#maxTemplates, ...WATCHER_MINED }),
      since: at,
      lines: 0,
      fresh: 0,
    };
    this.#put(service, entry);
    return entry;
  }

  #put(service: string, entry: ServiceEntry): void {
    if (this.#miners.size >= this.#maxServices) {
      const oldest = this.#miners.keys().next().value!;
      this.#miners.delete(oldest);
      this.#stats.forget(oldest);
    }
    this.#miners.set(service, entry);
  }
}

/** `snapshot` without its least recently matched clusters beyond `maxBytes` of JSON (the rest kept in order). */
function withinBytes(snapshot: DrainSnapshot, maxBytes: number): DrainSnapshot {
  const sizes = snapshot.clusters.map((c) => Buffer.byteLength(JSON.stringify(c)) + 1);
  let total = sizes.reduce((a, b) => a + b, 0);
  let drop = 0;
  while (total > maxBytes && drop < sizes.length) total -= sizes[drop++]!;
  return drop === 0 ? snapshot : { created: snapshot.created, clusters: snapshot.clusters.slice(drop) };
}
