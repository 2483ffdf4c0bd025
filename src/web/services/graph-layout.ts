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

/** A laid-out graph: the nodes by name, the columns, the waypoints of calls that skip columns, the canvas size. */
export interface GraphLayout {
  nodes: Map<string, PlacedNode>;
  /** The services of each column, top to bottom. */
  layers: string[][];
  /** By `linkKey`: the top-left corners of the slots a call crosses on its way to a later column. */
  waypoints: Map<string, { x: number; y: number }[]>;
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

/** The key of a link in `GraphLayout.waypoints`. */
export const linkKey = (l: Link) => `${l.from}\u0000${l.to}`;

/**
 * Places the services: one column per call depth. A call that skips columns gets a waypoint in
 * each column it crosses (a slot of its own, so it never runs under a box). Inside a column,
 * services and waypoints are ordered by the mean row of what leads to them, then by name.
 */
export function layoutGraph(services: string[], links: Link[], box: Box = BOX): GraphLayout {
  const depth = callDepths(services, links);
  const curvesBack = links.some((l) => depth.get(l.to)! <= depth.get(l.from)!);
  const columns: string[][] = Array.from({ length: Math.max(0, ...depth.values()) + 1 }, () => []);
  for (const [name, d] of depth) columns[d]!.push(name);
  // what leads to each slot from the column before; waypoints are named "\u0000<link key>\u0000<column>"
  const before = new Map<string, string[]>();
  const lead = (to: string, from: string) => before.set(to, [...(before.get(to) ?? []), from]);
  for (const l of links) {
    const [d0, d1] = [depth.get(l.from)!, depth.get(l.to)!];
    if (d1 <= d0) continue;
    let prev = l.from;
    for (let d = d0 + 1; d < d1; d++) {
      const slot = `\u0000${linkKey(l)}\u0000${d}`;
      columns[d]!.push(slot);
      lead(slot, prev);
      prev = slot;
    }
    lead(l.to, prev);
  }
  const row = new Map<string, number>();
  for (const column of columns) {
    const rank = (n: string) => {
      const rows = (before.get(n) ?? []).map((p) => row.get(p)!);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    const ranks = new Map(column.map((n) => [n, rank(n)]));
    column.sort((a, b) => ranks.get(a)! - ranks.get(b)! || a.localeCompare(b));
    column.forEach((n, i) => {
      row.set(n, i);
    });
  }
  const rows = Math.max(1, ...columns.map((l) => l.length));
  const pitchY = box.nodeHeight + box.rowGap;
  const pitchX = box.nodeWidth + box.colGap;
  const nodes = new Map<string, PlacedNode>();
  const waypoints = new Map<string, { x: number; y: number }[]>();
  columns.forEach((column, i) => {
    const offset = ((rows - column.length) * pitchY) / 2;
    column.forEach((name, j) => {
      const [x, y] = [box.pad + i * pitchX, box.pad + offset + j * pitchY];
      if (!name.startsWith("\u0000")) nodes.set(name, { name, layer: i, x, y });
      else {
        const key = name.slice(1, name.lastIndexOf("\u0000"));
        waypoints.set(key, [...(waypoints.get(key) ?? []), { x, y }]);
      }
    });
  });
  return {
    nodes,
    layers: columns.map((c) => c.filter((n) => nodes.has(n))),
    waypoints,
    width: 2 * box.pad + Math.max(1, columns.length) * pitchX - box.colGap,
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
 * The path of `link`: when the callee is in a later column, curves from the caller's right side
 * to the callee's left side, straight through the link's waypoints (its label on the first one);
 * else (a cycle) a curve below both boxes.
 */
export function edgeGeometry(layout: GraphLayout, link: Link): EdgeGeometry {
  const a = layout.nodes.get(link.from)!;
  const b = layout.nodes.get(link.to)!;
  const { nodeWidth: w, nodeHeight: h, rowGap } = layout.box;
  if (b.layer > a.layer) {
    const via = layout.waypoints.get(linkKey(link)) ?? [];
    let [x, y] = [a.x + w, a.y + h / 2];
    let d = `M${x} ${y}`;
    const curveTo = (x1: number, y1: number) => {
      const bend = (x1 - x) / 2;
      d += ` C${x + bend} ${y} ${x1 - bend} ${y1} ${x1} ${y1}`;
      [x, y] = [x1, y1];
    };
    const [x0, y0] = [x, y];
    for (const p of via) {
      curveTo(p.x, p.y + h / 2);
      d += ` L${p.x + w} ${y}`;
      x = p.x + w;
    }
    curveTo(b.x, b.y + h / 2);
    const first = via[0];
    return first
      ? { d, labelX: first.x + w / 2, labelY: first.y + h / 2 - 8 }
      : { d, labelX: (x0 + x) / 2, labelY: (y0 + y) / 2 - 8 };
  }
  const [x0, y0, x3, y3] = [a.x + w / 2, a.y + h, b.x + w / 2, b.y + h];
  const low = Math.max(y0, y3) + rowGap * 0.8;
  return {
    d: `M${x0} ${y0} C${x0} ${low} ${x3} ${low} ${x3} ${y3}`,
    labelX: (x0 + x3) / 2,
    labelY: (y0 + y3 + 6 * low) / 8 + 12,
  };
}
