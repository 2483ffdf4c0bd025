import { describe, expect, it } from "vitest";
import { BOX, backEdges, callDepths, edgeGeometry, layoutGraph, linkKey } from "./graph-layout.js";

const link = (from: string, to: string) => ({ from, to });

describe("the dependency graph layout", () => {
  it("puts each service one column right of its deepest caller", () => {
    const links = [link("gateway", "cart"), link("cart", "pricing"), link("gateway", "pricing"), link("cart", "db")];
    const depth = callDepths(["gateway", "cart", "pricing", "db", "lonely"], links);
    expect(Object.fromEntries(depth)).toEqual({ cart: 1, db: 2, gateway: 0, lonely: 0, pricing: 2 });
  });

  it("cuts cycles at the edge that closes them, starting from the services nobody calls", () => {
    const links = [link("web", "a"), link("a", "b"), link("b", "a")];
    expect([...backEdges(["a", "b", "web"], links)]).toEqual([links[2]]);
    expect(Object.fromEntries(callDepths([], links))).toEqual({ a: 1, b: 2, web: 0 });
    // a pure cycle: the first by name starts it
    expect(Object.fromEntries(callDepths([], [link("y", "x"), link("x", "y")]))).toEqual({ x: 0, y: 1 });
  });

  it("orders a column by its callers' rows and centres shorter columns", () => {
    const links = [link("a", "z"), link("b", "y"), link("c", "x")];
    const g = layoutGraph([], links);
    expect(g.layers).toEqual([
      ["a", "b", "c"],
      ["z", "y", "x"],
    ]);
    const pitch = BOX.nodeHeight + BOX.rowGap;
    expect(g.nodes.get("y")).toEqual({
      name: "y",
      layer: 1,
      x: BOX.pad + BOX.nodeWidth + BOX.colGap,
      y: BOX.pad + pitch,
    });
    const lone = layoutGraph([], [link("a", "x"), link("b", "x"), link("c", "x")]);
    expect(lone.nodes.get("x")!.y).toBe(BOX.pad + pitch);
    expect(g.width).toBe(2 * BOX.pad + 2 * BOX.nodeWidth + BOX.colGap);
    expect(g.height).toBe(2 * BOX.pad + 3 * pitch - BOX.rowGap);
  });

  it("gives a call that skips a column a slot of its own in that column, and its label", () => {
    const links = [
      link("gateway", "cart"),
      link("cart", "catalog"),
      link("gateway", "catalog"),
      link("gateway", "pricing"),
    ];
    const g = layoutGraph([], links);
    expect(g.layers).toEqual([["gateway"], ["cart", "pricing"], ["catalog"]]);
    const via = g.waypoints.get(linkKey(links[2]!))!;
    expect(via).toHaveLength(1);
    const boxes = [...g.nodes.values()].filter((n) => n.layer === 1).map((n) => n.y);
    expect(via[0]!.x).toBe(g.nodes.get("cart")!.x);
    expect(boxes).not.toContain(via[0]!.y);
    expect(g.height).toBe(2 * BOX.pad + 3 * (BOX.nodeHeight + BOX.rowGap) - BOX.rowGap);
    const skip = edgeGeometry(g, links[2]!);
    expect(skip.d).toContain(` L${via[0]!.x + BOX.nodeWidth} ${via[0]!.y + BOX.nodeHeight / 2}`);
    expect([skip.labelX, skip.labelY]).toEqual([via[0]!.x + BOX.nodeWidth / 2, via[0]!.y + BOX.nodeHeight / 2 - 8]);
  });

  it("draws forward edges side to side and back edges under the boxes", () => {
    const g = layoutGraph([], [link("a", "b"), link("b", "a")]);
    const forward = edgeGeometry(g, link("a", "b"));
    const a = g.nodes.get("a")!;
    const b = g.nodes.get("b")!;
    expect(forward.d.startsWith(`M${a.x + BOX.nodeWidth} ${a.y + BOX.nodeHeight / 2} C`)).toBe(true);
    expect(forward.d.endsWith(`${b.x} ${b.y + BOX.nodeHeight / 2}`)).toBe(true);
    const back = edgeGeometry(g, link("b", "a"));
    expect(back.d.startsWith(`M${b.x + BOX.nodeWidth / 2} ${b.y + BOX.nodeHeight} C`)).toBe(true);
    expect(back.labelY).toBeGreaterThan(b.y + BOX.nodeHeight);
    expect(back.labelY).toBeLessThanOrEqual(g.height);
    expect(g.height).toBe(2 * BOX.pad + BOX.nodeHeight + BOX.rowGap);
  });
});
