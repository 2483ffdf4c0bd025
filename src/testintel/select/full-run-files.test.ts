import { describe, expect, it } from "vitest";
import { fullRunTrigger, isInert, isOtherToolFile } from "./full-run-files.js";

describe("which changed files no test can load", () => {
  it("treats the files of tools that run no test as inert: other CI systems, pre-commit, hosted services, editors", () => {
    for (const path of [
      ".pre-commit-config.yaml",
      ".readthedocs.yaml",
      ".devcontainer/on-create-command.sh",
      ".circleci/config.yml",
      ".travis.yml",
      "codecov.yml",
      ".codecov.yml",
      "renovate.json",
      ".git-blame-ignore-revs",
      "CODEOWNERS",
      ".github/workflows/tests.yaml",
      ".vscode/settings.json",
      "docs/conf.py",
      "CHANGES.rst",
    ]) {
      expect([path, isInert(path)]).toEqual([path, true]);
    }
  });

  it("keeps what a test may read: test data directories, linter configurations, look-alike names, unknown files", () => {
    for (const path of [
      // under a test or fixture directory every file may be read by a test
      "tests/.pre-commit-config.yaml",
      "test/fixtures/.editorconfig",
      "packages/a/__snapshots__/codecov.yml",
      // a linter a test may run, packaging that decides what the installed package holds
      ".flake8",
      ".eslintrc.json",
      // prettier and other formatters read it: a format check may be a test
      ".editorconfig",
      "MANIFEST.in",
      ".coveragerc",
      // names that only contain an inert name, directories that only start like one
      ".pre-commit-config.yaml.py",
      "src/editorconfig.ts",
      "docs-src/build.py",
      "src/.github/loader.mjs",
      "pre-commit.yaml",
    ]) {
      expect([path, isInert(path)]).toEqual([path, false]);
    }
  });

  it("tells another tool's file (searched for by name in the tests) from documentation", () => {
    expect(isOtherToolFile(".pre-commit-config.yaml")).toBe(true);
    expect(isOtherToolFile(".editorconfig")).toBe(false);
    expect(isOtherToolFile(".devcontainer/devcontainer.json")).toBe(true);
    expect(isOtherToolFile("README.md")).toBe(false);
    expect(isOtherToolFile(".github/workflows/tests.yaml")).toBe(false);
    expect(isOtherToolFile("tests/.editorconfig")).toBe(false);
  });

  it("never calls an inert file a full-run trigger, nor the reverse", () => {
    expect(fullRunTrigger(".pre-commit-config.yaml")).toBeUndefined();
    expect(fullRunTrigger("requirements/tests.txt")).toMatch(/Python requirements/);
    expect(isInert("requirements/tests.txt")).toBe(false);
  });
});
