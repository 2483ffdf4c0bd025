import { describe, expect, it } from "vitest";
import { TrafficShapes } from "../../deploy/index.js";
import type { Hypothesis } from "../diagnosis.js";
import { clearByTraffic, type TrafficByShape, type TrafficShiftData, trafficShift } from "./traffic-shift.js";

const MIN = 60_000;
const T0 = 1_800_000_000_000;

/** A shape book fed `n` requests of `shape` from `from`, one every `gapMs`, each `fails(i)` or not. */
function book() {
  const b = new TrafficShapes();
  const feed = (
    shape: string,
    from: number,
    n: number,
    gapMs: number,
    fails = (_i: number) => false,
    release = "1",
  ) => {
    for (let i = 0; i < n; i++)
      b.record("shop", shape, shape.split(" ?")[0]!, release, fails(i) ? 500 : 200, from + i * gapMs);
  };
  const traffic: TrafficByShape = async (_service, from, to) => b.window("shop", from, to);
  return { feed, traffic };
}

describe("trafficShift", () => {
  it("names a shape whose share jumped at the onset and carries the errors", async () => {
    const { feed, traffic } = book();
    feed("GET /items/{int}", T0, 600, 1_000); // 10 min, 1 req/s
    feed("GET /search ?q=str", T0, 60, 10_000); // rare before
    const onset = T0 + 10 * MIN;
    feed("GET /search ?q=str", onset, 60, 1_000, (i) => i % 2 === 0); // a surge that half fails
    feed("GET /items/{int}", onset, 60, 1_000);
    const h = await trafficShift("shop", traffic, { onsetAt: onset, since: onset - 5 * MIN, now: onset + MIN });
    expect(h?.kind).toBe("traffic_shift");
    const data = h!.evidence[0]!.data as TrafficShiftData;
    expect(data).toMatchObject({ shape: "GET /search ?q=str", change: "share jumped", errorShare: 1 });
    expect(data.after.share).toBeCloseTo(0.5, 1);
    expect(data.before.share).toBeLessThan(0.1);
    expect(h!.confidence).toBeCloseTo(0.9);
  });

  it("names a shape tried once before the onset (not new, never part of the traffic) whose requests now fail", async () => {
    const { feed, traffic } = book();
    feed("GET /items/{int}", T0, 12_600, 100); // 21 min, 10 req/s
    feed("GET /items/{int} ?expand=str", T0 + 19 * MIN, 1, 1_000); // one probe, 80 s before the onset
    const onset = T0 + 20 * MIN + 10_000; // late in its bucket
    feed("GET /items/{int} ?expand=str", onset, 4, 1_000, () => true);
    const h = await trafficShift("shop", traffic, { onsetAt: onset, since: onset - 5 * MIN, now: onset + 5_000 });
    const data = h?.evidence[0]?.data as TrafficShiftData | undefined;
    expect(data).toMatchObject({
      change: "share jumped",
      before: { requests: 1 },
      after: { errors: 4 },
      rareOnly: true,
    });
    expect(data!.after.share).toBeLessThan(0.05);
  });

  it("names no shift for a periodic shape absent from the 10 minutes before, failing on schedule", async () => {
    const { feed, traffic } = book();
    const onset = T0 + 60 * MIN;
    feed("GET /items/{int}", T0, 36_100, 100); // an hour, 10 req/s
    for (let k = 0; k < 4; k++) feed("POST /reports/nightly", T0 + k * 15 * MIN, 5, 500); // every 15 min
    feed("POST /reports/nightly", onset, 5, 500, () => true);
    expect(
      await trafficShift("shop", traffic, { onsetAt: onset, since: onset - 5 * MIN, now: onset + 5_000 }),
    ).toBeUndefined();
  });

  it("calls nothing new when the counts do not reach far enough back, or the errors are everywhere", async () => {
    const fresh = book();
    const onset = T0 + 20_000;
    fresh.feed("GET /items/{int}", T0, 20, 1_000);
    fresh.feed("GET /items/{int} ?expand=str", onset, 20, 1_000, () => true);
    // pitcrew (re)started 20 s before: a shape missing from 20 s of counts may just be rare
    expect(await trafficShift("shop", fresh.traffic, { onsetAt: onset, since: T0, now: onset + MIN })).toBeUndefined();

    const spread = book();
    const at = T0 + 10 * MIN;
    spread.feed("GET /items/{int}", T0, 660, 1_000, (i) => i >= 600 && i % 3 === 0);
    spread.feed("GET /new", at, 30, 1_000, (i) => i % 3 === 0);
    // the new route fails no more than the rest: it does not carry the errors
    expect(await trafficShift("shop", spread.traffic, { onsetAt: at, since: T0, now: at + MIN })).toBeUndefined();
  });

  it("finds the onset from the first 5xx when no error was logged", async () => {
    const { feed, traffic } = book();
    feed("GET /items/{int}", T0, 600, 1_000);
    feed("POST /orders {qty:string}", T0 + 10 * MIN, 30, 1_000, () => true);
    const h = await trafficShift("shop", traffic, { onsetAt: undefined, since: T0 + 5 * MIN, now: T0 + 11 * MIN });
    expect((h?.evidence[0]?.data as TrafficShiftData | undefined)?.shape).toBe("POST /orders {qty:string}");
  });
});

describe("trafficShift past the shape book's cap", () => {
  it("never names the pool of shapes past the cap, which is first seen when the cap is reached", async () => {
    const { feed, traffic } = book();
    feed("GET /items/{int}", T0, 660, 1_000);
    for (let i = 0; i < 199; i++) feed(`GET /filler${i}`, T0, 1, 1_000);
    const onset = T0 + 10 * MIN;
    // varied new shapes, all failing: every one is counted under OTHER_SHAPES
    for (let i = 0; i < 30; i++) feed(`GET /search ?k${i}=int`, onset + i * 1_000, 1, 1_000, () => true);
    expect(await trafficShift("shop", traffic, { onsetAt: onset, since: T0, now: onset + MIN })).toBeUndefined();
  });

  it("takes a shape back after an hour without requests as new (nothing in the book shows it before)", async () => {
    const { feed, traffic } = book();
    feed("GET /items/{int}", T0, 4_200, 1_000); // 70 min, 1 req/s
    feed("GET /report", T0, 1, 1_000);
    const onset = T0 + 70 * MIN;
    feed("GET /report", onset, 30, 1_000, () => true);
    feed("GET /items/{int}", onset, 60, 1_000);
    const h = await trafficShift("shop", traffic, { onsetAt: onset, since: onset - 5 * MIN, now: onset + MIN });
    expect(h?.evidence[0]?.data).toMatchObject({ shape: "GET /report", change: "new", firstSeenAt: onset });
  });
});

describe("clearByTraffic", () => {
  const blamed = (release: string): Hypothesis => ({
    kind: "deploy_regression",
    confidence: 0.95,
    evidence: [{ kind: "release", summary: "", data: { service: "shop", release } }],
    explanation: "",
  });
  const shift = (errorsByRelease: Record<string, number>) =>
    ({ service: "shop", shape: "GET /x", errorsByRelease }) as unknown as TrafficShiftData;

  it("clears the blamed release only when the shape failed on another release too", () => {
    const hs = [blamed("7")];
    clearByTraffic(hs, shift({ "7": 4 }));
    expect(hs[0]!.confidence).toBe(0.95);
    clearByTraffic(hs, shift({ "7": 4, "6": 2 }));
    expect(hs[0]!.confidence).toBe(0.2);
    expect(hs[0]!.explanation).toContain("2 on release 6");
  });

  it("clears no release for a shift named only for being rare before (its errors may predate the onset)", () => {
    const hs = [blamed("7")];
    clearByTraffic(hs, { ...shift({ "7": 4, "6": 1 }), rareOnly: true });
    expect(hs[0]!.confidence).toBe(0.95);
  });
});
