import { describe, expect, it } from "vitest";
import type { Span } from "../../store/repositories/spans-repo.js";
import { buildDependencyGraph } from "./dependency-graph.js";

let n = 0;
const span = (over: Partial<Span>): Span => ({
  traceId: "t1",
  spanId: `s${++n}`,
  parentSpanId: null,
  service: "web",
  name: "op",
  kind: "internal",
  startAt: 0,
  durationUs: 1000,
  error: false,
  peerService: null,
  attributes: {},
  ...over,
});

describe("dependency graph", () => {
  it("links client spans to their children in other services, with rates and latencies", () => {
    const spans: Span[] = [];
    for (let i = 0; i < 10; i++) {
      const traceId = `t${i}`;
      const root = span({ traceId, kind: "server", service: "web" });
      const client = span({ traceId, parentSpanId: root.spanId, kind: "client", durationUs: (i + 1) * 1000 });
      const server = span({ traceId, parentSpanId: client.spanId, kind: "server", service: "api", error: i < 2 });
      const local = span({ traceId, parentSpanId: server.spanId, service: "api" });
      spans.push(root, client, server, local);
    }
    const g = buildDependencyGraph(spans, { from: 0, to: 120_000 });
    expect(g.services).toEqual(["api", "web"]);
    expect(g.edges).toEqual([
      { from: "web", to: "api", calls: 10, errors: 2, errorRate: 0.2, callsPerMinute: 5, p50Ms: 5, p99Ms: 10 },
    ]);
  });

  it("uses peer.service when the callee is not traced, not when it is", () => {
    const traced = span({ kind: "client", peerService: "api", traceId: "a" });
    const spans = [
      traced,
      span({ traceId: "a", parentSpanId: traced.spanId, service: "api", kind: "server" }),
      span({ kind: "client", peerService: "postgres", error: true, durationUs: 3000 }),
    ];
    const g = buildDependencyGraph(spans, { from: 0, to: 60_000 });
    expect(g.edges.map((e) => [e.from, e.to, e.calls, e.errors, e.p99Ms])).toEqual([
      ["web", "api", 1, 0, 1],
      ["web", "postgres", 1, 1, 3],
    ]);
    expect(g.services).toEqual(["api", "postgres", "web"]);
  });
});
