import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../../../test/support/databases.js";
import { SeriesRepo } from "../../store/repositories/series-repo.js";
import { SettingsRepo } from "../../store/repositories/settings-repo.js";
import { applyRetention } from "./retention.js";

const H = 3_600_000;
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createSqliteTestDatabase();
});
afterAll(() => tdb.dispose());

describe("applyRetention", () => {
  it("deletes past retention and downsamples each old window once, in bounded steps", async () => {
    const series = new SeriesRepo(tdb.database.db);
    const settings = new SettingsRepo(tdb.database.db);
    const labels = { __name__: "g" };
    const now = 100 * H;
    // One sample every 15 s from 80 h to 100 h ago… plus one 8 days old.
    const samples = [{ labels, t: now - 8 * 24 * H, v: 1 }];
    for (let t = 0; t < 20 * H; t += 15_000) samples.push({ labels, t, v: t % 60_000 === 0 ? Number.NaN : 2 });
    await series.append(samples);
    const opts = { retentionMs: 7 * 24 * H, downsampleAfterMs: 24 * H, stepMs: 60_000, maxWindowMs: 2 * H };
    expect(await applyRetention(series, settings, now, opts)).toEqual({ deleted: 1, downsampled: 120, until: 2 * H });
    const [s] = await series.series("g");
    const pts = (await series.samples([s!.id], 0, 3 * H)).get(s!.id)!;
    expect(pts.slice(0, 2)).toEqual([
      { t: 45_000, v: 2 },
      { t: 105_000, v: 2 },
    ]);
    expect(pts.filter((p) => p.t < 2 * H)).toHaveLength(120);
    expect(pts.filter((p) => p.t >= 2 * H && p.t < 3 * H)).toHaveLength(240);
    expect((await applyRetention(series, settings, now, opts)).until).toBe(4 * H);
  });
});
