/**
 * Pure layout of the service dependency graph: services in columns by call depth (callers left of
 * what they call), ordered inside a column to keep edges short, and the path of each edge.
 */

/** An edge as the layout needs it. */
export interface Link {
  from: string;
  to: string;
}

/** A placed service: its column (`layer`, the call depth) and its box's top-left corner. */
export interface PlacedNode {
  name: string;
  layer: number;
  x: number;
  y: number;
}

/** Sizes of the drawing. */
export interface Box {
  nodeWidth: number;
  nodeHeight: number;
  colGap: number;
  rowGap: number;
  pad: number;
}

/** A laid-out graph: the nodes by name, the columns and the canvas size. */
export interface GraphLayout {
  nodes: Map<string, PlacedNode>;
  layers: string[][];
  width: number;
  height: number;
  box: Box;
}

/** The default sizes (SVG user units). */
export const BOX: Box = { nodeWidth: 150, nodeHeight: 36, colGap: 180, rowGap: 44, pad: 16 };

/** The edges that close a cycle (found by a depth-first walk from the services nobody calls, by name). */
export function backEdges(names: string[], links: Link[]): Set<Link> {
  const out = new Map<string, Link[]>(names.map((n) => [n, []]));
  for (const l of links) out.get(l.from)?.push(l);
  for (const list of out.values()) list.sort((a, b) => a.to.localeCompare(b.to));
  const called = new Set(links.map((l) => l.to));
  const state = new Map<string, "open" | "done">();
  const back = new Set<Link>();
  const visit = (n: string) => {
    state.set(n, "open");
    for (const l of out.get(n) ?? []) {
      const s = state.get(l.to);
      if (s === "open") back.add(l);
      else if (!s) visit(l.to);
    }
    state.set(n, "done");
  };
  for (const n of [...names.filter((n) => !called.has(n)), ...names]) if (!state.has(n)) visit(n);
  return back;
}

/** Each service's call depth: 0 for services nobody calls, else one more than its deepest caller (cycles cut). */
export function callDepths(services: string[], links: Link[]): Map<string, number> {
  const names = [...new Set([...services, ...links.flatMap((l) => [l.from, l.to])])].sort();
  const back = backEdges(names, links);
  const forward = links.filter((l) => !back.has(l));
  const depth = new Map<string, number>(names.map((n) => [n, 0]));
  const pending = new Map<string, number>(names.map((n) => [n, 0]));
  for (const l of forward) pending.set(l.to, pending.get(l.to)! + 1);
  const ready = names.filter((n) => pending.get(n) === 0);
  while (ready.length > 0) {
    const n = ready.shift()!;
    for (const l of forward) {
      if (l.from !== n) continue;
      depth.set(l.to, Math.max(depth.get(l.to)!, depth.get(n)! + 1));
      pending.set(l.to, pending.get(l.to)! - 1);
      if (pending.get(l.to) === 0) ready.push(l.to);
    }
  }
  return depth;
}

/** Places the services: one column per call depth; inside a column by the mean row of their callers, then name. */
export function layoutGraph(services: string[], links: Link[], box: Box = BOX): GraphLayout {
  const depth = callDepths(services, links);
  const curvesBack = links.some((l) => depth.get(l.to)! <= depth.get(l.from)!);
  const layers: string[][] = Array.from({ length: Math.max(0, ...depth.values()) + 1 }, () => []);
  for (const [name, d] of depth) layers[d]!.push(name);
  const row = new Map<string, number>();
  for (const layer of layers) {
    const rank = (n: string) => {
      const callers = links.filter((l) => l.to === n && row.has(l.from)).map((l) => row.get(l.from)!);
      return callers.length ? callers.reduce((a, b) => a + b, 0) / callers.length : Number.POSITIVE_INFINITY;
    };
    const ranks = new Map(layer.map((n) => [n, rank(n)]));
    layer.sort((a, b) => ranks.get(a)! - ranks.get(b)! || a.localeCompare(b));
    layer.forEach((n, i) => {
      row.set(n, i);
    });
  }
  const rows = Math.max(1, ...layers.map((l) => l.length));
  const pitchY = box.nodeHeight + box.rowGap;
  const pitchX = box.nodeWidth + box.colGap;
  const nodes = new Map<string, PlacedNode>();
  layers.forEach((layer, i) => {
    const offset = ((rows - layer.length) * pitchY) / 2;
    layer.forEach((name, j) => {
      nodes.set(name, { name, layer: i, x: box.pad + i * pitchX, y: box.pad + offset + j * pitchY });
    });
  });
  return {
    nodes,
    layers,
    width: 2 * box.pad + Math.max(1, layers.length) * pitchX - box.colGap,
    // edges that curve back under the boxes need a row gap below the last row
    height: 2 * box.pad + rows * pitchY - (curvesBack ? 0 : box.rowGap),
    box,
  };
}

/** An edge's SVG path and where its label goes. */
export interface EdgeGeometry {
  d: string;
  labelX: number;
  labelY: number;
}

/**
 * The path of `link`: a curve from the caller's right side to the callee's left side when the
 * callee is in a later column, else (a cycle, or the same column) a curve below both boxes.
 */
export function edgeGeometry(layout: GraphLayout, link: Link): EdgeGeometry {
  const a = layout.nodes.get(link.from)!;
  const b = layout.nodes.get(link.to)!;
  const { nodeWidth: w, nodeHeight: h, rowGap } = layout.box;
  if (b.layer > a.layer) {
    const [x0, y0, x3, y3] = [a.x + w, a.y + h / 2, b.x, b.y + h / 2];
    const bend = (x3 - x0) / 2;
    return {
      d: `M${x0} ${y0} C${x0 + bend} ${y0} ${x3 - bend} ${y3} ${x3} ${y3}`,
      labelX: (x0 + x3) / 2,
      labelY: (y0 + y3) / 2 - 8,
    };
  }
  const [x0, y0, x3, y3] = [a.x + w / 2, a.y + h, b.x + w / 2, b.y + h];
  const low = Math.max(y0, y3) + rowGap * 0.8;
  return {
    d: `M${x0} ${y0} C${x0} ${low} ${x3} ${low} ${x3} ${y3}`,
    labelX: (x0 + x3) / 2,
    labelY: (y0 + y3 + 6 * low) / 8 + 12,
  };
}
