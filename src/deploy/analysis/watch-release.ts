/**
 * The post-deploy watch the healing loop (and a rollout's final step) uses: after a release goes
 * live, watch it for `windowMs` and say whether it regressed.
 *
 * Regressed, at the first of:
 *   - an `alert.firing` event for the service that re-fires: its fingerprint was known before the
 *     watch (`deps.knownAlerts`) or already fired during the window;
 *   - an `alert.firing` event for the service with severity `critical` or `page` (a new critical
 *     alert). Alerts whose `environment`/`env` label names another environment are ignored;
 *   - the statistical judge (judge.ts) failing the release's requests since the watch started
 *     against the previous release's recent requests (`baselineReleaseId`), checked every
 *     `judgeEveryMs` and at the end of the window — on latency and errors, or on the error rate
 *     alone (`judged: "errors"`: those requests are older, from another time and load, which
 *     latency is far more sensitive to than the error rate).
 * Healthy when the window ends without any of these. Events published while the service's name and
 * the known alerts are read are buffered, so none is missed. Aborting `signal` rejects with its reason.
 */
import { sleep, systemClock } from "../../common/clock.js";
import { ValidationError } from "../../common/errors.js";
import type { Bus, DomainEvent } from "../../events/index.js";
import { signalFromEvent } from "../../incidents/index.js";
import type { TrafficRouter } from "../routers/traffic-router.js";
import type { CheckResult, JudgeOptions } from "./analysis.js";
import { type JudgedMetrics, judge } from "./judge.js";

/** What the watch needs. */
export interface WatchDeps {
  bus: Bus;
  router: TrafficRouter;
  /** Fingerprints of the service's alerts known before the watch (see `knownAlertsOf`). */
  knownAlerts?: (service: string) => Promise<Iterable<string>>;
}

/** What to watch. */
export interface WatchOptions {
  /**
   * The service whose alerts count. A promise when its name is still being read: the watch
   * subscribes to alerts first, so one published during that read is buffered, not missed.
   */
  service: string | Promise<string>;
  environment: string;
  releaseId: string;
  windowMs: number;
  signal?: AbortSignal;
  /** The release live before `releaseId`; without it the judge is skipped. */
  baselineReleaseId?: string;
  judge?: JudgeOptions;
  /** What the judge compares (judge.ts); default `all`, `errors` skips latency. */
  judged?: JudgedMetrics;
  /** How often the judge runs during the window; default min(windowMs, 10 s). */
  judgeEveryMs?: number;
}

/** The watch's verdict. */
export interface WatchResult {
  verdict: "healthy" | "regressed";
  /** e.g. `alert HighErrors on shop fired again` or the judge's explanation. */
  reason: string;
  /** The alert event that made it regress, if one did. */
  event?: DomainEvent;
  /** The judge's last results, when it ran. */
  judged?: CheckResult[];
}

const CRITICAL = new Set(["critical", "page"]);

/** Watches `opts.releaseId` for `opts.windowMs` (rules in the module comment). */
export async function watchRelease(deps: WatchDeps, opts: WatchOptions): Promise<WatchResult> {
  if (!(opts.windowMs > 0))
    throw new ValidationError(`watch window must be a positive number of ms, got ${opts.windowMs}`);
  opts.signal?.throwIfAborted();
  const buffered: DomainEvent[] = [];
  let onEvent = (e: DomainEvent) => void buffered.push(e);
  const unsubscribe = deps.bus.subscribe((m) => {
    if (m.kind === "event") onEvent(m.event);
  });
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  let cleanup = () => {};
  try {
    const service = typeof opts.service === "string" ? opts.service : await opts.service;
    const watched: Watched = { ...opts, service };
    const known = new Set(deps.knownAlerts ? await deps.knownAlerts(watched.service) : []);
    const since = (await deps.router.samples(opts.releaseId)).cursor;
    const alerted = new Promise<WatchResult>((resolve) => {
      onEvent = (e) => {
        const r = alertRegression(e, watched, known);
        if (r) resolve(r);
      };
      for (const e of buffered.splice(0)) onEvent(e);
    });
    const judged = judgeUntilEnd(deps.router, watched, since, signal);
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(opts.signal?.reason);
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener("abort", onAbort, { once: true });
    });
    cleanup = () => opts.signal?.removeEventListener("abort", onAbort);
    return await Promise.race([alerted, judged, aborted]);
  } finally {
    cleanup();
    stop.abort();
    unsubscribe();
  }
}

/** What to watch, its service's name read. */
type Watched = WatchOptions & { service: string };

/** A regression reason when `e` is a re-firing or critical alert of the watched service. */
function alertRegression(e: DomainEvent, opts: Watched, known: Set<string>): WatchResult | undefined {
  const s = signalFromEvent(e);
  if (s?.kind !== "alert" || s.status !== "firing" || s.service !== opts.service) return undefined;
  const labels = (e.data.labels ?? {}) as Record<string, unknown>;
  const env = labels.environment ?? labels.env;
  if (typeof env === "string" && env !== opts.environment) return undefined;
  const name = typeof e.data.name === "string" ? e.data.name : s.title;
  if (known.has(s.key)) {
    return {
      verdict: "regressed",
      reason: `alert ${name} on ${opts.service} fired again after release ${opts.releaseId}`,
      event: e,
    };
  }
  known.add(s.key);
  if (CRITICAL.has(s.severity)) {
    return {
      verdict: "regressed",
      reason: `new ${s.severity} alert ${name} on ${opts.service} after release ${opts.releaseId}`,
      event: e,
    };
  }
  return undefined;
}

/** Runs the judge every `judgeEveryMs` until the window ends; resolves regressed or healthy. */
async function judgeUntilEnd(
  router: TrafficRouter,
  opts: Watched,
  since: number,
  signal: AbortSignal,
): Promise<WatchResult> {
  const started = systemClock.now();
  const every = opts.judgeEveryMs ?? Math.min(opts.windowMs, 10_000);
  let judged: CheckResult[] | undefined;
  for (;;) {
    const left = opts.windowMs - (systemClock.now() - started);
    await sleep(Math.max(0, Math.min(every, left)), signal).catch(() => undefined);
    if (signal.aborted) return new Promise<never>(() => {});
    if (opts.baselineReleaseId !== undefined) {
      const canary = await router.samples(opts.releaseId, since);
      const baseline = await router.samples(opts.baselineReleaseId);
      judged = judge(canary, baseline, opts.judge, opts.judged);
      const failed = judged.find((r) => r.status === "fail");
      if (failed)
        return {
          verdict: "regressed",
          reason: `${failed.explanation} (release ${opts.releaseId} vs ${opts.baselineReleaseId})`,
          judged,
        };
    }
    if (left <= every) {
      const note = judged ? `; ${judged.map((r) => r.explanation).join("; ")}` : "";
      return {
        verdict: "healthy",
        reason: `no re-firing or critical alert on ${opts.service} for ${opts.windowMs} ms${note}`,
        judged,
      };
    }
  }
}
