import { describe, expect, it } from "vitest";
import type { Project, Run } from "../store/index.js";
import { runClass } from "./hub-schedule.js";

const project = { defaultBranch: "main" } as Project;
const run = (event: string, branch: string) => ({ event, branch }) as Run;

describe("runClass", () => {
  it("tells heal fixes, the default branch, pull requests and other branches apart", () => {
    expect(runClass(run("pull_request", "pitcrew/heal-null-deref"), project)).toBe("heal");
    expect(runClass(run("push", "pitcrew/fix-timeout"), project)).toBe("heal");
    expect(runClass(run("push", "main"), project)).toBe("default-branch");
    expect(runClass(run("manual", "main"), project)).toBe("default-branch");
    expect(runClass(run("pull_request", "main"), project)).toBe("pull-request");
    expect(runClass(run("push", "feature"), project)).toBe("branch");
  });
});
