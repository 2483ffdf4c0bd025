import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { type Span, SpansRepo, WINDOW_PAGE } from "./spans-repo.js";

const span = (spanId: string, startAt: number, over: Partial<Span> = {}): Span => ({
  traceId: "a".repeat(32),
  spanId,
  parentSpanId: null,
  service: "web",
  name: "GET /",
  kind: "server",
  startAt,
  durationUs: 1500,
  error: false,
  peerService: null,
  attributes: { "http.route": "/" },
  ...over,
});

describe.each(await testDialects())("spans repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("stores spans once, returns a trace in order and a window without attributes", async () => {
    tdb = await make();
    const repo = new SpansRepo(tdb.database.db);
    const many = Array.from({ length: 1200 }, (_, i) => span(i.toString(16).padStart(16, "0"), 10_000 + i));
    expect(await repo.insertMany(many)).toBe(1200);
    expect(
      await repo.insertMany([many[0]!, span("f".repeat(16), 5, { error: true, kind: "client", peerService: "db" })]),
    ).toBe(1);
    const trace = await repo.trace("a".repeat(32));
    expect(trace).toHaveLength(1201);
    expect(trace[0]).toEqual(span("f".repeat(16), 5, { error: true, kind: "client", peerService: "db" }));
    const window = await repo.window(10_000, 10_100);
    expect(window).toHaveLength(100);
    expect(window[0]).toMatchObject({ startAt: 10_099, attributes: {}, error: false });
  });

  it("reads a window larger than a page in pages, each span once, yielding to the event loop between them", async () => {
    tdb = await make();
    const repo = new SpansRepo(tdb.database.db);
    // three spans per millisecond: pages end in the middle of equal start times
    const n = WINDOW_PAGE * 2 + 500;
    const many = Array.from({ length: n }, (_, i) =>
      span(i.toString(16).padStart(16, "0"), 20_000 + Math.floor(i / 3)),
    );
    expect(await repo.insertMany(many)).toBe(n);
    let yielded = false;
    setImmediate(() => {
      yielded = true;
    });
    const window = await repo.window(0, 1_000_000);
    expect(yielded).toBe(true);
    expect(window).toHaveLength(n);
    expect(new Set(window.map((s) => s.spanId)).size).toBe(n);
    expect(window.map((s) => s.startAt)).toEqual([...window.map((s) => s.startAt)].sort((a, b) => b - a));
    const newest = await repo.window(0, 1_000_000, WINDOW_PAGE + 10);
    expect(newest).toHaveLength(WINDOW_PAGE + 10);
    expect(newest.map((s) => s.spanId)).toEqual(window.slice(0, WINDOW_PAGE + 10).map((s) => s.spanId));
  });
});
