/** A React hook for the dependency graph of the last 15 minutes, reloaded every 5 s and on `topology.` events. */
import { useEvents } from "../events.js";
import type { DependencyGraph } from "../types.js";
import { type ApiState, useApi } from "../use-api.js";
import { useEvery } from "../use-every.js";

/** How often the Services pages reload what no event announces (the graph, metrics, the registry), in ms. */
export const REFRESH_MS = 5000;

/** GET /api/traces/graph?window=15m, kept fresh. */
export function useDependencyGraph(): ApiState<DependencyGraph> {
  const graph = useApi<DependencyGraph>("/api/traces/graph?window=15m");
  useEvents(["topology."], graph.reload);
  useEvery(REFRESH_MS, graph.reload);
  return graph;
}
