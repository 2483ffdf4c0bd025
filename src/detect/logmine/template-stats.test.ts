import { describe, expect, it } from "vitest";
import { TemplateStats } from "./template-stats.js";

const MIN = 60_000;

describe("TemplateStats", () => {
  it("reports a template the first time each service logs it", () => {
    const s = new TemplateStats();
    expect(s.observe("api", "t1", 0)).toEqual([{ kind: "new-template", service: "api", templateId: "t1", at: 0 }]);
    expect(s.observe("api", "t1", 10)).toEqual([]);
    expect(s.observe("worker", "t1", 20)).toMatchObject([{ kind: "new-template", service: "worker" }]);
  });

  it("flags a bucket far above the EWMA rate once, and not steady traffic", () => {
    const s = new TemplateStats();
    const events = [];
    for (let m = 0; m < 30; m++) for (let i = 0; i < 5; i++) events.push(...s.observe("api", "t", m * MIN + i * 1000));
    expect(events.filter((e) => e.kind === "burst")).toEqual([]);
    expect(s.rate("api", "t")).toBeCloseTo(5, 5);
    const burst = [];
    for (let i = 0; i < 40; i++) burst.push(...s.observe("api", "t", 30 * MIN + i * 100));
    expect(burst).toHaveLength(1);
    expect(burst[0]).toMatchObject({ kind: "burst", service: "api", templateId: "t", bucketStart: 30 * MIN });
    const b = burst[0] as { count: number; expected: number; pValue: number };
    expect(b.count).toBeGreaterThan(10);
    expect(b.count).toBeLessThan(25);
    expect(b.expected).toBeCloseTo(5, 5);
    expect(b.pValue).toBeLessThan(1e-6);
  });

  it("does not call bursts before the warm-up or below the minimum count", () => {
    const s = new TemplateStats({ warmupBuckets: 3 });
    const early = [];
    for (let i = 0; i < 100; i++) early.push(...s.observe("api", "t", MIN + i));
    expect(early.filter((e) => e.kind === "burst")).toEqual([]);
    const quiet = new TemplateStats({ minCount: 50 });
    for (let m = 0; m < 10; m++) quiet.observe("api", "t", m * MIN);
    const few = [];
    for (let i = 0; i < 20; i++) few.push(...quiet.observe("api", "t", 10 * MIN + i));
    expect(few).toEqual([]);
  });

  it("decays the rate over empty buckets", () => {
    const s = new TemplateStats({ alpha: 0.5 });
    for (let i = 0; i < 8; i++) s.observe("api", "t", i);
    s.observe("api", "t", MIN);
    expect(s.rate("api", "t")).toBe(8);
    s.observe("api", "t", 4 * MIN);
    expect(s.rate("api", "t")).toBeCloseTo((0.5 * 1 + 0.5 * 8) * 0.25, 10);
  });

  it("keeps at most maxTracked pairs, evicting the least recently seen", () => {
    const s = new TemplateStats({ maxTracked: 2 });
    s.observe("api", "a", 0);
    s.observe("api", "b", 0);
    s.observe("api", "a", 1);
    s.observe("api", "c", 2);
    expect(s.size).toBe(2);
    expect(s.rate("api", "b")).toBeUndefined();
    expect(s.observe("api", "b", 3)).toMatchObject([{ kind: "new-template" }]);
  });
});

describe("TemplateStats snapshot", () => {
  it("puts a service's counts back so the same burst is found at the same line", () => {
    const a = new TemplateStats();
    const feed = (s: TemplateStats, from: number, to: number) => {
      const out: number[] = [];
      for (let i = from; i < to; i++) {
        const at = i < 900 ? i * 6000 : 900 * 6000 + (i - 900) * 50;
        if (s.observe("cart", i % 3 === 0 ? "t1" : "t2", at).some((e) => e.kind === "burst")) out.push(i);
      }
      return out;
    };
    feed(a, 0, 900);
    const b = new TemplateStats();
    b.restore("cart", JSON.parse(JSON.stringify(a.snapshot("cart"))));
    expect(b.snapshot("cart")).toEqual(a.snapshot("cart"));
    const bursts = feed(a, 900, 1000);
    expect(bursts.length).toBeGreaterThan(0);
    expect(feed(b, 900, 1000)).toEqual(bursts);
    b.forget("cart");
    expect(b.size).toBe(0);
  });
});
