import { describe, expect, it } from "vitest";
import { BUCKETS, OTHER_SHAPES, TrafficShapes } from "./traffic-shapes.js";

describe("TrafficShapes", () => {
  it("counts requests and errors per shape in time buckets, with first sight and erring releases", () => {
    const book = new TrafficShapes({ bucketMs: 1_000 });
    for (let i = 0; i < 10; i++) book.record("prod_shop", "GET /a", "GET /a", "1", 200, 10_000 + i * 100);
    book.record("prod_shop", "GET /b", "GET /b", "1", 500, 11_500);
    book.record("prod_shop", "GET /b", "GET /b", "2", 502, 12_500);
    book.record("prod_shop", "GET /b", "GET /b", "2", 200, 12_600);

    const all = book.window("prod_shop", 0, 20_000)!;
    expect(all.observedSince).toBe(10_000);
    expect(all.shapes).toEqual([
      { shape: "GET /a", route: "GET /a", firstSeenAt: 10_000, requests: 10, errors: 0, errorsByRelease: {} },
      {
        shape: "GET /b",
        route: "GET /b",
        firstSeenAt: 11_500,
        requests: 3,
        errors: 2,
        firstErrorAt: 11_000,
        errorsByRelease: { "1": 1, "2": 1 },
      },
    ]);
    // whole buckets: [12 s, 20 s) holds only the last two requests
    expect(book.window("prod_shop", 12_000, 20_000)!.shapes).toMatchObject([
      { shape: "GET /b", requests: 2, errors: 1 },
    ]);
    expect(book.window("prod_other", 0, 20_000)).toBeUndefined();
  });

  it("keeps at most maxShapes shapes and BUCKETS buckets per shape", () => {
    const book = new TrafficShapes({ maxShapes: 3, bucketMs: 1_000 });
    for (let i = 0; i < 10; i++) book.record("l", `GET /${i}`, `GET /${i}`, "1", 200, 1_000);
    const shapes = book.window("l", 0, 2_000)!.shapes;
    expect(shapes.map((s) => s.shape)).toEqual(["GET /0", "GET /1", "GET /2", OTHER_SHAPES]);
    expect(shapes[3]!.requests).toBe(7);

    // a bucket older than the ring is overwritten, never counted twice
    book.record("l", "GET /0", "GET /0", "1", 200, 1_000 + BUCKETS * 1_000);
    expect(book.window("l", 0, 2_000 + BUCKETS * 1_000)!.shapes.find((s) => s.shape === "GET /0")!.requests).toBe(1);
  });

  it("gives a new shape past the cap the place of the least recently seen shape with no request in the ring", () => {
    const ring = BUCKETS * 1_000;
    const book = new TrafficShapes({ maxShapes: 3, bucketMs: 1_000 });
    const at = (shape: string, t: number) => book.record("l", shape, shape, "1", 200, t);
    at("GET /0", 1_000);
    at("GET /1", 1_000);
    at("GET /2", 2_000);
    at("GET /0", 100_000);
    // /1 has no request left in the ring, /2 one bucket more: /1 goes, /3 gets a place of its own
    at("GET /3", 1_000 + ring);
    // /2 still has its request in the ring, /0 and /3 too: /4 joins the other shapes
    at("GET /4", 1_000 + ring);
    let shapes = book.window("l", 0, 1_001 + ring)!.shapes;
    expect(shapes.map((s) => [s.shape, s.firstSeenAt])).toEqual([
      ["GET /0", 1_000],
      ["GET /2", 2_000],
      ["GET /3", 1_000 + ring],
      [OTHER_SHAPES, 1_000 + ring],
    ]);
    expect(shapes.at(-1)).toMatchObject({ overflow: true, requests: 1 });
    expect(shapes[0]!.overflow).toBeUndefined();

    // /2 past the ring now: /5 takes its place, but /5 may have been among the other shapes
    // counted in the ring, so it is no newer than they are
    at("GET /5", 3_000 + ring);
    shapes = book.window("l", 0, 3_001 + ring)!.shapes;
    expect(shapes.map((s) => [s.shape, s.firstSeenAt])).toEqual([
      ["GET /0", 1_000],
      ["GET /3", 1_000 + ring],
      [OTHER_SHAPES, 1_000 + ring],
      ["GET /5", 1_000 + ring],
    ]);
  });

  it("takes a shape back after a whole ring without its requests as first seen again", () => {
    const ring = BUCKETS * 1_000;
    const book = new TrafficShapes({ bucketMs: 1_000 });
    book.record("l", "GET /a", "GET /a", "1", 500, 1_000);
    book.record("l", "GET /a", "GET /a", "1", 500, ring); // still in the ring of its first request
    expect(book.window("l", 0, ring + 1)!.shapes[0]).toMatchObject({ firstSeenAt: 1_000, errors: 2 });
    book.record("l", "GET /a", "GET /a", "2", 500, 2 * ring + 5_000);
    expect(book.window("l", 0, 2 * ring + 6_000)!.shapes).toEqual([
      {
        shape: "GET /a",
        route: "GET /a",
        firstSeenAt: 2 * ring + 5_000,
        requests: 1,
        errors: 1,
        firstErrorAt: 2 * ring + 5_000,
        errorsByRelease: { "2": 1 },
      },
    ]);
  });

  it("counts plain words where the listener saw a parameter as one {word} shape, past a few static routes", () => {
    const book = new TrafficShapes({ bucketMs: 1_000 });
    const at = (shape: string) => book.record("l", shape, shape.split(" ?")[0]!, "1", 500, 1_000);
    at("GET /items/{int}");
    for (const word of ["search", "new", "export", "count"]) at(`GET /items/${word}`);
    at("GET /items/abc");
    at("GET /items/xyz");
    at("GET /items/search"); // still its own shape: a static route keeps its shape
    at("GET /items/abc/reviews ?page=int");
    at("GET /catalog/shoes");
    const shapes = book.window("l", 0, 2_000)!.shapes;
    expect(shapes.map((s) => [s.shape, s.requests])).toEqual([
      ["GET /items/{int}", 1],
      ["GET /items/search", 2],
      ["GET /items/new", 1],
      ["GET /items/export", 1],
      ["GET /items/count", 1],
      ["GET /items/{word}", 2], // ids that are words: one shape
      ["GET /items/abc/reviews ?page=int", 1], // another depth: another place
      ["GET /catalog/shoes", 1],
    ]);
  });

  it("keeps legitimate shapes their places when one client sends a flood of its own", () => {
    const book = new TrafficShapes({ maxShapes: 20, bucketMs: 1_000 });
    const at = (shape: string, client: string, t: number, status = 200) =>
      book.record("l", shape, shape.split(" ?")[0]!, "1", status, t, client);
    for (let i = 0; i < 5; i++) at(`GET /app/${"abcde"[i]}`, `10.0.0.${i + 1}`, 1_000);
    // one client floods the book with shapes of its own, keeping each alive
    for (let round = 0; round < 3; round++)
      for (let i = 0; i < 100; i++) at(`GET /junk ?k${i}=int`, "203.0.113.9", 2_000 + round * 1_000);
    const full = book.window("l", 0, 10_000)!.shapes;
    expect(full).toHaveLength(21); // 20 places and OTHER_SHAPES
    expect(full.find((s) => s.overflow)!.requests).toBe(3 * 100 - 3 * 15); // 15 junk places, the rest pooled

    // the legitimate clients' shapes kept their places; a new one of theirs gets one back from
    // the flooding client's share, and the traffic of the place taken is still counted
    at("GET /app/checkout ?coupon=str", "10.0.0.7", 6_000, 500);
    at("GET /app/checkout ?coupon=str", "10.0.0.8", 6_500, 500);
    const after = book.window("l", 0, 10_000)!.shapes;
    expect(after).toHaveLength(21);
    expect(after.map((s) => s.shape)).toEqual(
      expect.arrayContaining(["GET /app/a", "GET /app/e", "GET /app/checkout ?coupon=str"]),
    );
    expect(after.find((s) => s.shape === "GET /app/checkout ?coupon=str")).toMatchObject({
      firstSeenAt: 2_000, // OTHER_SHAPES held requests since then: it may have been among them
      requests: 2,
      errors: 2,
    });
    const total = (shapes: typeof after) => shapes.reduce((n, s) => n + s.requests, 0);
    expect(total(after)).toBe(5 + 300 + 2);
    expect(after.filter((s) => s.shape.startsWith("GET /junk"))).toHaveLength(14);

    // past its share the flooding client gets no new place: its new shapes are pooled
    at("GET /junk ?fresh=int", "203.0.113.9", 7_000);
    expect(book.window("l", 0, 10_000)!.shapes.some((s) => s.shape === "GET /junk ?fresh=int")).toBe(false);
  });

  it("lets a client alone on a listener (behind one proxy) fill the book", () => {
    const book = new TrafficShapes({ maxShapes: 20, bucketMs: 1_000 });
    for (let i = 0; i < 30; i++) book.record("l", `GET /r${i}`, `GET /r${i}`, "1", 200, 1_000, "10.0.0.1");
    const shapes = book.window("l", 0, 2_000)!.shapes;
    expect(shapes.filter((s) => !s.overflow)).toHaveLength(20);
    expect(shapes.find((s) => s.overflow)!.requests).toBe(10);
  });
});
