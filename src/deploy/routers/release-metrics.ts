/** Per-release counters with a bounded latency window (a ring buffer), shared by routers. */
import type { LatencySummary, ReleaseMetrics, ReleaseSamples } from "./traffic-router.js";

/** Latency samples kept per release. */
export const LATENCY_WINDOW = 4096;

/** Records requests per release; memory is O(releases × LATENCY_WINDOW). */
export class MetricsBook {
  readonly #byRelease = new Map<
    string,
    { requests: number; errors: number; ring: Float64Array; failed: Uint8Array; next: number }
  >();

  /** Records one answered request. */
  record(releaseId: string, status: number, latencyMs: number): void {
    let m = this.#byRelease.get(releaseId);
    if (!m) {
      m = {
        requests: 0,
        errors: 0,
        ring: new Float64Array(LATENCY_WINDOW),
        failed: new Uint8Array(LATENCY_WINDOW),
        next: 0,
      };
      this.#byRelease.set(releaseId, m);
    }
    m.requests += 1;
    if (status >= 500) m.errors += 1;
    m.ring[m.next % LATENCY_WINDOW] = latencyMs;
    m.failed[m.next % LATENCY_WINDOW] = status >= 500 ? 1 : 0;
    m.next += 1;
  }

  /** Snapshot of one release. */
  get(releaseId: string): ReleaseMetrics {
    const m = this.#byRelease.get(releaseId);
    const samples = m ? Array.from(m.ring.subarray(0, Math.min(m.next, LATENCY_WINDOW))) : [];
    return { releaseId, requests: m?.requests ?? 0, errors: m?.errors ?? 0, latencyMs: summarize(samples) };
  }

  /** The requests of one release recorded after cursor `since` that are still in the window. */
  samples(releaseId: string, since = 0): ReleaseSamples {
    const m = this.#byRelease.get(releaseId);
    if (!m) return { releaseId, cursor: 0, latenciesMs: [], okLatenciesMs: [], errors: 0 };
    const latenciesMs: number[] = [];
    const okLatenciesMs: number[] = [];
    let errors = 0;
    for (let i = Math.max(since, m.next - LATENCY_WINDOW, 0); i < m.next; i++) {
      const latency = m.ring[i % LATENCY_WINDOW] as number;
      const failed = m.failed[i % LATENCY_WINDOW] as number;
      latenciesMs.push(latency);
      if (!failed) okLatenciesMs.push(latency);
      errors += failed;
    }
    return { releaseId, cursor: m.next, latenciesMs, okLatenciesMs, errors };
  }
}

/** Nearest-rank percentiles of `samples`. */
export function summarize(samples: number[]): LatencySummary {
  const s = samples.sort((a, b) => a - b);
  const at = (q: number) => (s.length === 0 ? 0 : (s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0));
  return { count: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.at(-1) ?? 0 };
}
