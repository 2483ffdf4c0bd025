import { describe, expect, it } from "vitest";
import { seededRandom } from "../../learning/index.js";
import { countCommit, emptyCoFailure } from "./co-failure.js";
import { coFailureSettingsOf, SHIPPED_CO_FAILURE } from "./co-failure-settings.js";
import { testCoFailureModel } from "./co-failure-model.js";
import type { CoFailureItem } from "./co-failure-replay.js";

/** `n` commits over 100 rarely changed files; t0 fails whenever core.ts changes, the others at random. */
function history(n: number): CoFailureItem[] {
  const random = seededRandom(3);
  return Array.from({ length: n }, (_, i) => {
    const core = random() < 0.2;
    const files = [`src/f${Math.floor(random() * 100)}.ts`, ...(core ? ["src/core.ts"] : [])];
    const failed = new Set<string>();
    if (core) failed.add("t0");
    for (let k = 1; k < 20; k++) if (random() < 0.03) failed.add(`t${k}`);
    return { at: i * 60_000, files, failedFiles: failed, tests: 20 };
  });
}

describe("test-cofailure", () => {
  it("counts a commit out of the window exactly as it was counted in", () => {
    const items = history(50);
    const model = emptyCoFailure();
    for (const c of items) countCommit(model, c, 1);
    expect(model.commits).toBe(50);
    expect(model.together.get("src/core.ts")?.get("t0")).toBe(model.changes.get("src/core.ts"));
    for (const c of items) countCommit(model, c, -1);
    expect(model).toEqual(emptyCoFailure());
  });

  it("is named while its modules load in any order", () => {
    expect(testCoFailureModel.name).toBe("test-cofailure");
  });

  it("trains as a function of the items, yielding to the event loop while it replays", async () => {
    let turns = 0;
    let training = true;
    const spin = () => {
      turns++;
      if (training) setImmediate(spin);
    };
    setImmediate(spin);
    const items = history(1500);
    const settings = await testCoFailureModel.train(items);
    training = false;
    expect(turns).toBeGreaterThan(4 * 40); // 4 windows replayed in slices of 16 commits
    expect(await testCoFailureModel.train([...items])).toEqual(settings);
    // the shipped rule scores no better on the newest commits than what training chose
    const [context, held] = [items.slice(0, 1200), items.slice(1200)];
    const mine = testCoFailureModel.evaluate(settings, context, held);
    const shipped = testCoFailureModel.evaluate(SHIPPED_CO_FAILURE, context, held);
    expect(mine.perItem).toHaveLength(300);
    expect(mine.metrics.extra_files).toBeLessThanOrEqual(shipped.metrics.extra_files!);
  });

  it("reads back only settings it can use (a stored state may be another code version's)", () => {
    expect(coFailureSettingsOf({ ...SHIPPED_CO_FAILURE })).toEqual(SHIPPED_CO_FAILURE);
    expect(coFailureSettingsOf({ ...SHIPPED_CO_FAILURE, commits: 5000 })).toBeUndefined(); // more than selection reads
    expect(coFailureSettingsOf({ ...SHIPPED_CO_FAILURE, threshold: "0.2" })).toBeUndefined();
    expect(coFailureSettingsOf(null)).toBeUndefined();
  });
});
