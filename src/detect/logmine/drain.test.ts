import { describe, expect, it } from "vitest";
import { Drain } from "./drain.js";

const t = (s: string) => s.split(" ");

describe("Drain", () => {
  it("generalises differing positions to <*> and keeps the first id", () => {
    const d = new Drain();
    const a = d.add(t("logged in user alice from <*> via ssh"));
    const b = d.add(t("logged in user bob from <*> via ssh"));
    expect(a.isNew).toBe(true);
    expect(b.isNew).toBe(false);
    expect(b.cluster.id).toBe(a.cluster.id);
    expect(b.cluster.tokens).toEqual(t("logged in user <*> from <*> via ssh"));
    expect(b.cluster.size).toBe(2);
  });

  it("never compares messages of different lengths", () => {
    const d = new Drain();
    const a = d.add(t("disk full on <*>"));
    const b = d.add(t("disk full on <*> now"));
    expect(b.cluster.id).not.toBe(a.cluster.id);
  });

  it("routes by the leading tokens, so a differing first word is another event", () => {
    const d = new Drain();
    const a = d.add(t("Starting job <*> on worker <*> with priority high"));
    const b = d.add(t("Stopping job <*> on worker <*> with priority high"));
    expect(b.cluster.id).not.toBe(a.cluster.id);
  });

  it("starts a new cluster below the similarity threshold (counting only unmasked tokens)", () => {
    const d = new Drain({ similarity: 0.7 });
    const a = d.add(t("Received disconnect from <*>: <*>: Bye Bye [preauth]"));
    const b = d.add(t("Received disconnect from <*>: <*>: disconnected by user"));
    const c = d.add(t("<*> <*> <*> <*> <*>"));
    const e = d.add(t("<*> <*> <*> <*> <*>"));
    expect(b.cluster.id).not.toBe(a.cluster.id);
    expect(e.cluster.id).toBe(c.cluster.id);
  });

  it("freezes positions that never varied over freezeAfter messages", () => {
    const d = new Drain({ freezeAfter: 3 });
    const first = d.add(t("Session <*> initialized by client WindowsUpdateAgent")).cluster.id;
    d.add(t("Session <*> initialized by client WindowsUpdateAgent"));
    d.add(t("Session <*> initialized by client WindowsUpdateAgent"));
    const spp = d.add(t("Session <*> initialized by client SPP"));
    expect(spp.cluster.id).not.toBe(first);
    const young = new Drain({ freezeAfter: 3 });
    const y = young.add(t("Session <*> initialized by client WindowsUpdateAgent")).cluster.id;
    expect(young.add(t("Session <*> initialized by client SPP")).cluster.id).toBe(y);
  });

  it("gives the same ids for the same input in every run", () => {
    const lines = ["open file <*> for reading", "close file <*> now", "open file <*> for writing"];
    const ids = () => {
      const d = new Drain();
      return lines.map((l) => d.add(t(l)).cluster.id);
    };
    expect(ids()).toEqual(ids());
    expect(ids()[0]).toMatch(/^[0-9a-f]{8}$/);
  });

  it("caps the number of clusters, forgetting the least recently matched", () => {
    const d = new Drain({ maxClusters: 2 });
    const a = d.add(t("alpha one")).cluster.id;
    const b = d.add(t("beta two")).cluster.id;
    d.add(t("alpha one"));
    const c = d.add(t("gamma three")).cluster.id;
    expect(d.clusters().map((x) => x.id)).toEqual([a, c]);
    expect(d.get(b)).toBeUndefined();
  });

  it("sends new tokens to the shared <*> child once a layer is full", () => {
    const d = new Drain({ maxChildren: 3, depth: 3 });
    const ids = ["a x y z", "b x y z", "c x y z", "d x y z"].map((l) => d.add(t(l)).cluster.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids[3]).toBe(ids[2]);
    expect(d.get(ids[3]!)?.tokens).toEqual(t("<*> x y z"));
  });

  it("in a leaf of many clusters, joins the first cluster with the most equal tokens, as a full scan does", () => {
    const d = new Drain({ depth: 2, maxClusters: 40 }); // no prefix layer: one leaf per length
    const fillers = Array.from({ length: 41 }, (_, i) => d.add(t(`w${i} a${i} b${i} c${i}`)).cluster.id);
    expect(new Set(fillers).size).toBe(41);
    expect(d.get(fillers[0]!)).toBeUndefined(); // evicted: no longer found under its tokens
    expect(d.add(t("w0 a0 b0 zz")).isNew).toBe(true);
    const five = d.add(t("w5 a5 b5 zz"));
    expect(five.cluster.id).toBe(fillers[5]);
    expect(five.cluster.tokens).toEqual(t("w5 a5 b5 <*>"));
    expect(d.add(t("w5 a5 b5 c5")).cluster.id).toBe(fillers[5]); // generalised position: a mismatch
    const b = d.add(t("k l z w")).cluster.id;
    const a = d.add(t("k l x y")).cluster.id;
    expect(a).not.toBe(b);
    expect(d.add(t("k l x w")).cluster.id).toBe(b); // 3 of 4 equal in both: the older wins
  });
});

describe("Drain snapshot", () => {
  it("restores a tree that assigns every later message as the original does", () => {
    const words = ["alpha", "beta", "gamma", "delta", "eps"];
    const msg = (i: number) =>
      `${words[i % 5]} ${words[(i * 3) % 5]} request ${i % 7 === 0 ? "failed" : "done"} in <*> ms ${words[(i >> 2) % 5]}`.split(
        " ",
      );
    const a = new Drain({ maxChildren: 3, freezeAfter: 20 });
    for (let i = 0; i < 400; i++) a.add(msg(i));
    const b = new Drain({ maxChildren: 3, freezeAfter: 20 });
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(b.snapshot()).toEqual(a.snapshot());
    for (let i = 400; i < 800; i++) {
      const m = [...msg(i * 11), ...(i % 9 === 0 ? ["extra"] : [])];
      expect(b.add(m).cluster.id).toBe(a.add(m).cluster.id);
    }
    expect(b.snapshot()).toEqual(a.snapshot());
  });

  it("refuses to restore into a tree that is not empty, or a malformed snapshot", () => {
    const d = new Drain();
    d.add(["x"]);
    expect(() => d.restore({ created: 0, clusters: [] })).toThrow(RangeError);
    expect(() => new Drain().restore({ created: 1, clusters: [[1 as never, [], 1, 0, []]] })).toThrow(RangeError);
  });
});
