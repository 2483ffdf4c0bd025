/** The service dependency graph drawn in SVG: services in columns by call depth, arrows for calls, error edges in red. */
import { useId } from "react";
import { formatPercent } from "../format.js";
import type { DependencyEdge } from "../types.js";
import { edgeGeometry, layoutGraph } from "./graph-layout.js";

/** `12/min · 2.0 % errors` (the error share only when there are errors). */
export function edgeSummary(e: DependencyEdge): string {
  const rate = e.callsPerMinute >= 10 ? Math.round(e.callsPerMinute) : e.callsPerMinute.toFixed(1);
  return `${rate}/min${e.errors > 0 ? ` · ${formatPercent(e.errorRate)} errors` : ""}`;
}

/** The graph of `services` and `edges`; `focus` (a service) is drawn highlighted. */
export function GraphFigure({
  services,
  edges,
  focus,
}: {
  services: string[];
  edges: DependencyEdge[];
  focus?: string;
}) {
  const id = useId();
  const layout = layoutGraph(services, edges);
  const { nodeWidth: w, nodeHeight: h } = layout.box;
  const failing = edges.filter((e) => e.errors > 0).length;
  const label =
    `Dependency graph: ${layout.nodes.size} services, ${edges.length} call edges` +
    `${failing ? `, ${failing} with errors` : ""}. The table of edges follows.`;
  return (
    <svg
      className="graph"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      style={{ maxWidth: layout.width }}
      role="img"
      aria-label={label}
    >
      <defs>
        {["ok", "bad"].map((tone) => (
          <marker
            key={tone}
            id={`${id}-${tone}`}
            className={`arrow-${tone}`}
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0 0 L10 5 L0 10 z" />
          </marker>
        ))}
      </defs>
      {edges.map((e) => {
        const g = edgeGeometry(layout, e);
        const tone = e.errors > 0 ? "bad" : "ok";
        return (
          <g key={`${e.from}>${e.to}`} className={`edge edge-${tone}`}>
            <path d={g.d} markerEnd={`url(#${id}-${tone})`} />
            <text x={g.labelX} y={g.labelY} textAnchor="middle">
              {edgeSummary(e)}
            </text>
          </g>
        );
      })}
      {[...layout.nodes.values()].map((n) => (
        <g key={n.name} className={`node${n.name === focus ? " node-focus" : ""}`}>
          <rect x={n.x} y={n.y} width={w} height={h} rx={6} />
          <text x={n.x + w / 2} y={n.y + h / 2 + 5} textAnchor="middle">
            {n.name.length > 18 ? `${n.name.slice(0, 17)}…` : n.name}
          </text>
        </g>
      ))}
    </svg>
  );
}
