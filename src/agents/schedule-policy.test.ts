import { describe, expect, it } from "vitest";
import { DEFAULT_SCHEDULE_POLICY, schedulePolicy } from "./schedule-policy.js";

describe("schedulePolicy", () => {
  it("is the default without settings, and takes the weights and fair share given", () => {
    expect(schedulePolicy({})).toEqual(DEFAULT_SCHEDULE_POLICY);
    const p = schedulePolicy({ priority: { pull_request: 3, heal: 10 }, fair_share: false });
    expect(p.weight).toEqual({ heal: 10, "default-branch": 2, branch: 1, "pull-request": 3 });
    expect(p.fairShare).toBe(false);
  });
});
