import { describe, expect, it } from "vitest";
import type { TriggerContext } from "../../common/plan.js";
import type { TriggersSpec } from "../spec/schema.js";
import { matchGlobs, matchTrigger } from "./triggers.js";

describe("matchGlobs", () => {
  const branches = ["main", "release/*", "!release/old"];
  it.each([
    ["main", true],
    ["release/1.0", true],
    ["release/old", false],
    ["release/1.0/hotfix", false],
    ["feature/x", false],
  ])("branches %s → %s", (branch, expected) => {
    expect(matchGlobs(branches, branch)).toBe(expected);
  });

  it("evaluates in order: a later pattern re-includes", () => {
    expect(matchGlobs(["docs/**", "!docs/**", "docs/api/**"], "docs/api/x.md")).toBe(true);
    expect(matchGlobs(["docs/**", "!docs/**", "docs/api/**"], "docs/guide.md")).toBe(false);
  });

  it("a list of only exclusions starts from everything", () => {
    expect(matchGlobs(["!docs/**"], "src/a.ts")).toBe(true);
    expect(matchGlobs(["!docs/**"], "docs/a.md")).toBe(false);
  });

  it("matches dotfiles", () => {
    expect(matchGlobs(["**/*.yaml"], ".pitcrew/pipeline.yaml")).toBe(true);
  });
});

describe("matchTrigger", () => {
  const push = (over: Partial<TriggerContext> = {}): TriggerContext => ({
    event: "push",
    branch: "main",
    commit: "c0ffee",
    ...over,
  });
  const on: TriggersSpec = {
    push: { branches: ["main", "release/*", "!release/old"], paths: ["src/**", "!src/**/*.md"] },
    pull_request: { branches: ["main"] },
    cron: [{ name: "nightly", schedule: "0 3 * * *" }],
  };

  it.each<[string, Partial<TriggerContext>, string | undefined]>([
    ["push on a listed branch", {}, undefined],
    ["push on an excluded branch", { branch: "release/old" }, "branch 'release/old' does not match on.push.branches"],
    ["push with a matching changed file", { changedFiles: ["README.md", "src/a.ts"] }, undefined],
    [
      "push changing only excluded paths",
      { changedFiles: ["src/notes.md", "docs/x"] },
      "no changed file matches on.push.paths",
    ],
    ["push with an empty change set", { changedFiles: [] }, "no changed file matches on.push.paths"],
    ["pull request into main", { event: "pull_request", branch: "feat", baseBranch: "main" }, undefined],
    [
      "pull request into another base",
      { event: "pull_request", branch: "main", baseBranch: "dev" },
      "base branch 'dev' does not match on.pull_request.branches",
    ],
    ["manual run without a manual trigger", { event: "manual" }, "the pipeline has no 'manual' trigger"],
    ["a known cron schedule", { event: "cron", schedule: "nightly" }, undefined],
    [
      "an unknown cron schedule",
      { event: "cron", schedule: "hourly" },
      "the pipeline has no cron schedule named 'hourly'",
    ],
  ])("%s", (_, over, skipped) => {
    expect(matchTrigger(on, push(over)).skipped).toBe(skipped);
  });

  it("defaults to push on any branch plus manual", () => {
    expect(matchTrigger(undefined, push({ branch: "anything/goes" })).skipped).toBeUndefined();
    expect(matchTrigger(undefined, push({ event: "manual" })).skipped).toBeUndefined();
    expect(matchTrigger(undefined, push({ event: "pull_request" })).skipped).toBe(
      "the pipeline has no 'pull_request' trigger",
    );
  });

  it("accepts `push:` with no filter (YAML null)", () => {
    expect(matchTrigger({ push: null }, push({ branch: "x" })).skipped).toBeUndefined();
  });
});
