/** The dependency graph with its table of edges, or a note on how to send traces when none arrived. */
import type { DependencyEdge } from "../types.js";
import { EdgeTable } from "./edge-table.js";
import { GraphFigure } from "./graph-figure.js";

/** The whole graph of the window: figure and table, or the empty-window note. */
export function GraphSection({ services, edges }: { services: string[]; edges: DependencyEdge[] }) {
  if (edges.length === 0) return <NoTraces traced={services} />;
  return (
    <>
      <div className="panel graph-panel">
        <GraphFigure services={services} edges={edges} />
      </div>
      <EdgeTable edges={edges} caption="Calls between services, last 15 minutes" />
    </>
  );
}

/** Says that no calls between services were traced in the window (`traced`: services seen in spans), and how to send traces. */
export function NoTraces({ traced }: { traced: string[] }) {
  return (
    <p className="note" role="status">
      {traced.length === 0
        ? "No traces arrived in the last 15 minutes, so there are no calls between services to show."
        : `Spans of ${traced.join(", ")} arrived in the last 15 minutes, but none shows a call from one service to another.`}{" "}
      Services send spans as OTLP/HTTP JSON to <code>POST /v1/traces</code> (with an operator token; see
      docs/observability.md, "Traces and the dependency graph").
    </p>
  );
}
