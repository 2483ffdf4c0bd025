import { describe, expect, it } from "vitest";
import { DEFAULT_DURATION_SETTINGS } from "../duration-predictor.js";
import { type JobDurationItem, jobDurationModel } from "./job-duration-model.js";

/** `n` jobs of 3 kinds on 2 branches whose speed changes every 40 runs (a short window wins). */
function history(n: number): JobDurationItem[] {
  return Array.from({ length: n }, (_, i) => ({
    at: i * 60_000,
    job: `job-${i % 3}`,
    branch: i % 5 === 0 ? "feature" : "main",
    paths: [`area-${i % 4}/file.ts`],
    durationMs: (60 + 200 * (Math.floor(i / 120) % 2) + (i % 7)) * 1000,
  }));
}

describe("job-duration training", () => {
  it("yields to the event loop while it replays (a server training keeps serving)", async () => {
    let turns = 0;
    let training = true;
    const spin = () => {
      turns++;
      if (training) setImmediate(spin);
    };
    setImmediate(spin);
    const settings = await jobDurationModel.train(history(20_000));
    training = false;
    // 41 candidate settings, each replaying 20,000 items in slices
    expect(turns).toBeGreaterThan(41);
    expect(settings.window).toBeLessThan(DEFAULT_DURATION_SETTINGS.window);
  });

  it("is a function of the items", async () => {
    const items = history(3000);
    expect(await jobDurationModel.train(items)).toEqual(await jobDurationModel.train([...items]));
  });
});
