import { describe, expect, it } from "vitest";
import { cacheAccess, isProtectedBranch, receivesSecrets, runTrust } from "./trust.js";

const project = { defaultBranch: "main", protectedBranches: ["release/*"], trustPullRequests: false };

describe("run trust", () => {
  it("protects the default branch and the project's globs, nothing else", () => {
    expect(isProtectedBranch(project, "main")).toBe(true);
    expect(isProtectedBranch(project, "release/1.2")).toBe(true);
    expect(isProtectedBranch(project, "release")).toBe(false);
    expect(isProtectedBranch(project, "feature/main")).toBe(false);
  });

  it("ranks triggers: a pull request is never protected, even from a fork's branch named main", () => {
    expect(runTrust(project, { event: "push", branch: "main" })).toBe("protected");
    expect(runTrust(project, { event: "cron", branch: "release/2" })).toBe("protected");
    expect(runTrust(project, { event: "push", branch: "feature" })).toBe("branch");
    expect(runTrust(project, { event: "pull_request", branch: "main" })).toBe("pull_request");
    expect(runTrust(project, { event: "pull_request", branch: "main", fork: true })).toBe("fork");
  });

  it("gives secrets to pull requests only when trusted, to forks never", () => {
    expect(receivesSecrets("protected", project)).toBe(true);
    expect(receivesSecrets("branch", project)).toBe(true);
    expect(receivesSecrets("pull_request", project)).toBe(false);
    expect(receivesSecrets("pull_request", { trustPullRequests: true })).toBe(true);
    expect(receivesSecrets("fork", { trustPullRequests: true })).toBe(false);
  });

  it("scopes caches: protected runs read only protected scopes, forks write nothing", () => {
    const run = { branch: "fix", baseBranch: "release/1" };
    expect(cacheAccess("protected", project, { branch: "release/1", baseBranch: null })).toEqual({
      read: ["branch:release/1", "branch:main"],
      write: "branch:release/1",
      protectedRun: true,
      overwrite: true,
    });
    expect(cacheAccess("pull_request", project, run)).toMatchObject({
      read: ["pr:fix", "branch:release/1", "branch:main"],
      write: "pr:fix",
      overwrite: false,
    });
    expect(cacheAccess("fork", project, run)).toEqual({
      read: ["branch:release/1", "branch:main"],
      protectedRun: false,
      overwrite: false,
    });
  });
});
