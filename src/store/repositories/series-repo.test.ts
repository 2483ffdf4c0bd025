import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { SeriesRepo, seriesHash } from "./series-repo.js";

describe.each(await testDialects())("series repository on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("stores series once per label set, keeps NaN and ±Inf, ignores repeated samples", async () => {
    tdb = await make();
    const repo = new SeriesRepo(tdb.database.db);
    const a = { __name__: "req", code: "200" };
    const b = { code: "500", __name__: "req" };
    expect(seriesHash({ x: "1", y: "2" })).toBe(seriesHash({ y: "2", x: "1" }));
    const values = [1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const added = await repo.append([
      ...values.map((v, i) => ({ labels: a, t: 1000 * (i + 1), v })),
      { labels: b, t: 1000, v: 7 },
    ]);
    expect(added).toBe(5);
    expect(await repo.append([{ labels: a, t: 1000, v: 99 }])).toBe(0);
    const series = await repo.series("req");
    expect(series.map((s) => s.labels)).toEqual([a, { __name__: "req", code: "500" }]);
    const pts = await repo.samples(
      series.map((s) => s.id),
      0,
      10_000,
    );
    expect(pts.get(series[0]!.id)!.map((p) => p.v)).toEqual(values);
    expect(await repo.series("other")).toEqual([]);
  });

  it("downsamples a window to per-minute averages and drops old samples and empty series", async () => {
    tdb = await make();
    const repo = new SeriesRepo(tdb.database.db);
    const labels = { __name__: "g" };
    await repo.append(Array.from({ length: 12 }, (_, i) => ({ labels, t: i * 10_000, v: i })));
    await repo.append([{ labels: { __name__: "old" }, t: 5, v: 1 }]);
    expect(await repo.downsample(0, 120_000, 60_000)).toBe(3);
    const [s] = await repo.series("g");
    expect((await repo.samples([s!.id], 0, 200_000)).get(s!.id)).toEqual([
      { t: 50_000, v: 2.5 },
      { t: 110_000, v: 8.5 },
    ]);
    expect(await repo.deleteBefore(60_000)).toBe(2);
    expect((await repo.series()).map((x) => x.labels.__name__)).toEqual(["g"]);
    expect(await repo.append([{ labels: { __name__: "old" }, t: 70_000, v: 1 }])).toBe(1);
  });
});
