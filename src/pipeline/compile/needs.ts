/**
 * The `needs` graph between pipeline jobs: cycle detection (reported with the cycle spelled
 * out) and a stable topological order (file order among jobs that are ready together).
 */

/** Job name → names of the jobs it needs (only known names). */
export type NeedsGraph = Map<string, string[]>;

/**
 * Finds cycles of the graph, each as a closed path `[a, b, a]`: one per back edge of a
 * depth-first walk that starts from jobs in file order (so every cyclic group is reported).
 */
export function findCycles(graph: NeedsGraph): string[][] {
  const state = new Map<string, "visiting" | "done">();
  const cycles: string[][] = [];
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of graph.get(name) ?? []) {
      const s = state.get(dep);
      if (s === "visiting") cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (s === undefined && graph.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const name of graph.keys()) if (!state.has(name)) visit(name);
  return cycles;
}

/**
 * Orders jobs so that every job comes after the jobs it needs; among jobs whose needs are met,
 * file order wins. Jobs on a cycle (which lint rejects) are appended at the end.
 */
export function topologicalOrder(graph: NeedsGraph): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  const pending = [...graph.keys()];
  while (pending.length) {
    const i = pending.findIndex((n) => (graph.get(n) ?? []).every((d) => placed.has(d) || !graph.has(d)));
    if (i === -1) return [...order, ...pending];
    const [name] = pending.splice(i, 1) as [string];
    order.push(name);
    placed.add(name);
  }
  return order;
}
