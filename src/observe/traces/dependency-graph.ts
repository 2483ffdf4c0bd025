import type { Span } from "../../store/index.js";

/** Calls from one service to another over a window. Latencies in ms. */
export interface DependencyEdge {
  from: string;
  to: string;
  calls: number;
  errors: number;
  /** errors / calls, 0..1. */
  errorRate: number;
  callsPerMinute: number;
  p50Ms: number;
  p99Ms: number;
}

/** The service dependency graph of a time window. */
export interface DependencyGraph {
  from: number;
  to: number;
  services: string[];
  edges: DependencyEdge[];
}

/**
 * Derives who calls whom from spans: a span whose parent is in another service is one call from
 * the parent's service to its own (latency: the parent's if it is the client span, else the
 * child's; an error when either failed); a client span with no child in another service but a
 * `peer.service`/`server.address` is one call to that peer (its callee is not traced).
 */
export function buildDependencyGraph(spans: Span[], window: { from: number; to: number }): DependencyGraph {
  const byId = new Map<string, Span>();
  for (const s of spans) byId.set(`${s.traceId}/${s.spanId}`, s);
  const calls = new Map<string, { from: string; to: string; errors: number; latencies: number[] }>();
  const record = (from: string, to: string, durationUs: number, error: boolean) => {
    const key = `${from}\u0000${to}`;
    let c = calls.get(key);
    if (!c) {
      c = { from, to, errors: 0, latencies: [] };
      calls.set(key, c);
    }
    c.latencies.push(durationUs / 1000);
    if (error) c.errors++;
  };
  const answered = new Set<Span>();
  for (const child of spans) {
    const parent = child.parentSpanId ? byId.get(`${child.traceId}/${child.parentSpanId}`) : undefined;
    if (!parent || parent.service === child.service) continue;
    answered.add(parent);
    const latency = parent.kind === "client" ? parent.durationUs : child.durationUs;
    record(parent.service, child.service, latency, parent.error || child.error);
  }
  for (const s of spans) {
    if (s.peerService && !answered.has(s) && s.peerService !== s.service) {
      record(s.service, s.peerService, s.durationUs, s.error);
    }
  }
  const minutes = Math.max(1, window.to - window.from) / 60_000;
  const edges = [...calls.values()]
    .map((c) => {
      const sorted = c.latencies.sort((a, b) => a - b);
      return {
        from: c.from,
        to: c.to,
        calls: sorted.length,
        errors: c.errors,
        errorRate: c.errors / sorted.length,
        callsPerMinute: sorted.length / minutes,
        p50Ms: percentile(sorted, 0.5),
        p99Ms: percentile(sorted, 0.99),
      };
    })
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  const services = new Set(spans.map((s) => s.service));
  for (const e of edges) services.add(e.to);
  return { ...window, services: [...services].sort(), edges };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}
