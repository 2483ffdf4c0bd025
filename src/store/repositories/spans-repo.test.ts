import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { type Span, SpansRepo } from "./spans-repo.js";

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
});
