import { describe, expect, it } from "vitest";
import { readCronSchedules } from "./cron-schedules.js";

describe("readCronSchedules", () => {
  it("lists cron triggers with their branch", () => {
    const text =
      "on:\n  cron:\n    - { name: nightly, schedule: '0 3 * * *', branch: release }\n    - { name: hourly, schedule: '0 * * * *' }\njobs:\n  a:\n    steps: [{ run: 'true' }]\n";
    expect(readCronSchedules(text)).toEqual([
      { name: "nightly", schedule: "0 3 * * *", branch: "release" },
      { name: "hourly", schedule: "0 * * * *" },
    ]);
  });
  it("returns nothing for pipelines without cron or that do not parse", () => {
    expect(readCronSchedules("jobs:\n  a:\n    steps: [{ run: 'true' }]\n")).toEqual([]);
    expect(readCronSchedules("on: [")).toEqual([]);
  });
});
