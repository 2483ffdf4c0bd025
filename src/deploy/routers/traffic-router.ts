/**
 * The traffic-router port: one stable listener per environment that splits requests between
 * the releases deployed there by weight. Implementations: `builtin/` (node:http proxy) and
 * `nginx/` (generated config + graceful reload). Strategies (canary, blue-green) drive it by
 * calling `setBackends` with new weights and read `metrics` for analysis.
 *
 * Lifecycle:
 *   1. `setBackends(env, backends)` validates (weights are integers 0..100 summing to 100,
 *      release ids unique, a weighted release has ≥ 1 `host:port` upstream), then creates the
 *      environment's listener on first use or switches it. It resolves once new requests follow
 *      the new weights. Requests already in flight finish on the upstream they started on.
 *      Invalid input rejects with `ValidationError` and changes nothing.
 *   2. `port(env)` / `url(env)` give the stable listener; unknown env → `NotFoundError`.
 *   3. `metrics(releaseId)` counts requests routed to a release since the router started
 *      (errors = 5xx answers, including 502 for upstream connection failures) and latency
 *      percentiles over a bounded window of recent requests. `samples(releaseId, since)` gives
 *      the raw recent requests of that window recorded after the cursor `since` (for analysis).
 *   4. `close()` stops the listeners and releases every resource; in-flight requests are cut.
 *
 * Retry rule: a request with an idempotent method and no body whose attempt fails before the
 * upstream can have read it (the connection was refused, or a reused keep-alive connection was
 * closed by the upstream) is retried once, on a fresh connection: on another upstream of the same
 * release when it has one, while that release still takes traffic (a dead canary is judged on its
 * own failures: the request is counted against it when the retry fails too); after a switch away
 * from the release, on an upstream the current weights pick. Never after a response byte, never
 * when a fresh connection broke after the request went out. (nginx's retry differs: see
 * docs/deploy.md.)
 *
 * Concurrency: `setBackends` calls for one env are applied in call order; calls for different
 * envs are independent. `metrics` may be called any time.
 */
import type { Exchange } from "./exchange-log.js";
import type { ListenerTraffic } from "./traffic-shapes.js";

/** One release behind an environment's listener. */
export interface Backend {
  releaseId: string;
  /** Share of new requests in percent (integer 0..100); all backends of an env sum to 100. */
  weight: number;
  /** Replica addresses as `host:port`. */
  upstreams: string[];
}

/** Latency percentiles in ms over the recent-request window. */
export interface LatencySummary {
  /** Samples in the window (≤ the window size). */
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Traffic a release received. */
export interface ReleaseMetrics {
  releaseId: string;
  requests: number;
  /** 5xx answers, including connection failures answered with 502. */
  errors: number;
  latencyMs: LatencySummary;
}

/** The recent requests of a release, for statistical comparison between releases. */
export interface ReleaseSamples {
  releaseId: string;
  /** Cursor after the last recorded request; pass it as `since` to get only later requests. */
  cursor: number;
  /** Latencies in ms of the requests after `since` still in the window, oldest first. */
  latenciesMs: number[];
  /**
   * The latencies of those requests that were not errors (a fast 500 is not a faster service:
   * latency is compared on these, errors separately).
   */
  okLatenciesMs: number[];
  /** How many of those requests were errors (5xx). */
  errors: number;
}

/** Splits traffic between releases (protocol in this file's header comment). */
export interface TrafficRouter {
  /** Validates and applies the backends of `env`. */
  setBackends(env: string, backends: Backend[]): Promise<void>;
  /** Port of the stable listener of `env`. */
  port(env: string): number;
  /** Base URL of the stable listener of `env`, e.g. `http://127.0.0.1:41234`. */
  url(env: string): string;
  /** Counters and latency of one release; zeros for a release never routed to. */
  metrics(releaseId: string): Promise<ReleaseMetrics>;
  /** Recent requests of one release recorded after cursor `since` (default 0: the whole window). */
  samples(releaseId: string, since?: number): Promise<ReleaseSamples>;
  /** The exchanges still in the router's exchange log that `keep` accepts, oldest first; absent when it keeps none. */
  exchanges?: (keep?: (e: Exchange) => boolean) => Exchange[];
  /**
   * The requests the listener of `env` answered in `[from, to)`, by shape (`traffic-shapes.ts`);
   * undefined when it answered none yet. Absent when the router does not see requests' shapes.
   */
  traffic?: (env: string, from: number, to: number) => ListenerTraffic | undefined;
  /** Stops everything. */
  close(): Promise<void>;
}
