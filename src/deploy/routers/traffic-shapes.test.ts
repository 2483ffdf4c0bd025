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

  it("counts plain words where the listener saw a parameter as one {word} shape", () => {
    const book = new TrafficShapes({ bucketMs: 1_000 });
    const at = (shape: string) => book.record("l", shape, shape.split(" ?")[0]!, "1", 500, 1_000);
    at("GET /items/{int}");
    at("GET /items/abc");
    at("GET /items/xyz");
    at("GET /items/abc/reviews ?page=int");
    at("GET /catalog/shoes");
    expect(book.window("l", 0, 2_000)!.shapes.map((s) => s.shape)).toEqual([
      "GET /items/{int}",
      "GET /items/{word}",
      "GET /items/abc/reviews ?page=int", // another depth: another place
      "GET /catalog/shoes",
    ]);
  });
});
