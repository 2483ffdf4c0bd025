import { describe, expect, it } from "vitest";
import { changedAreas, DurationPredictor } from "./duration-predictor.js";

const q = { project: "shop", job: "test", branch: "main", paths: [] as string[] };

describe("DurationPredictor", () => {
  it("falls back from branch to job to project to the default", () => {
    const p = new DurationPredictor({ defaultMs: 1234 });
    expect(p.predict(q)).toEqual({ ms: 1234, basis: "default", samples: 0 });
    p.observe({ ...q, durationMs: 60_000 });
    expect(p.predict({ ...q, job: "lint" })).toEqual({ ms: 60_000, basis: "project", samples: 1 });
    expect(p.predict({ ...q, branch: "pr-7" })).toEqual({ ms: 60_000, basis: "job", samples: 1 });
    p.observe({ ...q, durationMs: 70_000 });
    p.observe({ ...q, durationMs: 80_000 });
    expect(p.predict(q)).toEqual({ ms: 70_000, basis: "job+branch", samples: 3 });
  });

  it("tells branches and changed areas apart once each has history", () => {
    const p = new DurationPredictor();
    for (let i = 0; i < 3; i++) {
      p.observe({ ...q, paths: ["docs/a.md"], durationMs: 10_000 });
      p.observe({ ...q, paths: ["src/x.ts", "src/y.ts"], durationMs: 600_000 });
      p.observe({ ...q, branch: "pr-1", durationMs: 90_000 });
    }
    expect(p.predict({ ...q, paths: ["docs/b.md"] })).toMatchObject({ ms: 10_000, basis: "job+branch+paths" });
    expect(p.predict({ ...q, paths: ["src/z.ts"] })).toMatchObject({ ms: 600_000, basis: "job+branch+paths" });
    expect(p.predict({ ...q, branch: "pr-1" })).toMatchObject({ ms: 90_000, basis: "job+branch" });
  });

  it("takes the median of a bounded window: one outlier does not move it, a lasting change does", () => {
    const p = new DurationPredictor({ window: 5 });
    for (const ms of [100, 100, 100, 100, 9_999]) p.observe({ ...q, durationMs: ms });
    expect(p.predict(q).ms).toBe(100);
    for (const ms of [500, 500, 500]) p.observe({ ...q, durationMs: ms });
    expect(p.predict(q)).toEqual({ ms: 500, basis: "job+branch", samples: 5 });
  });

  it("keeps at most maxKeys keys, evicting the least recently used", () => {
    const p = new DurationPredictor({ maxKeys: 40 });
    for (let i = 0; i < 1000; i++) p.observe({ ...q, job: `j${i}`, durationMs: i });
    expect(p.size).toBe(40);
    expect(p.predict({ ...q, job: "j999" })).toMatchObject({ ms: 999 });
    expect(p.predict({ ...q, job: "j0" }).basis).toBe("project");
  });

  it("names a commit's changed areas by their top-level directory", () => {
    expect(changedAreas(["src/a.ts", "docs/x.md", "src/b/c.ts", "README.md"])).toBe(".,docs,src");
  });

  it("takes a tuned project's settings, clamped to the durations it keeps, and the options' again when untuned", () => {
    const p = new DurationPredictor();
    for (const ms of [100, 100, 100, 100, 100, 500, 500, 500]) p.observe({ ...q, durationMs: ms });
    expect(p.predict(q).ms).toBe(100); // median of the last 8
    p.tune("shop", { settings: { window: 3, minSamples: 1, byAreas: false }, version: 2, at: 0 });
    expect(p.predict(q)).toEqual({ ms: 500, basis: "job+branch", samples: 3 });
    expect(p.predict({ ...q, project: "other" }).basis).toBe("default"); // another project is not tuned
    p.tune("shop", { settings: { window: 99, minSamples: 1, byAreas: false }, version: 3, at: 0 });
    expect(p.settingsOf("shop").window).toBe(20);
    p.tune("shop", undefined);
    expect(p.settingsOf("shop")).toEqual({ window: 8, minSamples: 3, byAreas: true });
  });
});
