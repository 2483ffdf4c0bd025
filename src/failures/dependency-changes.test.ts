import { describe, expect, it } from "vitest";
import { dependencyChanges, isDependencyFile } from "./dependency-changes.js";

const lock = (deps: Record<string, string>) =>
  JSON.stringify({
    lockfileVersion: 3,
    packages: {
      "": { name: "app" },
      ...Object.fromEntries(Object.entries(deps).map(([n, v]) => [`node_modules/${n}`, { version: v }])),
    },
  });

describe("dependencyChanges", () => {
  it("reads npm lockfile v3 bumps, additions and removals", () => {
    const changes = dependencyChanges(
      "package-lock.json",
      lock({ "left-pad": "1.2.0", "is-odd": "3.0.1", "@scope/x": "1.0.0" }),
      lock({ "left-pad": "1.3.0", "@scope/x": "1.0.0", chalk: "5.3.0" }),
    );
    expect(changes).toEqual([
      { file: "package-lock.json", name: "chalk", from: null, to: "5.3.0" },
      { file: "package-lock.json", name: "is-odd", from: "3.0.1", to: null },
      { file: "package-lock.json", name: "left-pad", from: "1.2.0", to: "1.3.0" },
    ]);
  });

  it("reads lockfile v1, requirements pins, go.mod and Cargo.lock", () => {
    const v1 = (v: string) => JSON.stringify({ lockfileVersion: 1, dependencies: { lodash: { version: v } } });
    expect(dependencyChanges("web/package-lock.json", v1("4.17.20"), v1("4.17.21"))).toMatchObject([
      { name: "lodash", from: "4.17.20", to: "4.17.21" },
    ]);
    expect(
      dependencyChanges("requirements-dev.txt", "requests==2.31.0\nflask==3.0.0\n", "requests==2.32.0\nflask==3.0.0\n"),
    ).toMatchObject([{ name: "requests", from: "2.31.0", to: "2.32.0" }]);
    expect(
      dependencyChanges(
        "go.mod",
        "require (\n\tgithub.com/pkg/errors v0.9.1\n)\n",
        "require (\n\tgithub.com/pkg/errors v0.9.2\n)\n",
      ),
    ).toMatchObject([{ name: "github.com/pkg/errors", from: "v0.9.1", to: "v0.9.2" }]);
    expect(
      dependencyChanges(
        "Cargo.lock",
        '[[package]]\nname = "serde"\nversion = "1.0.1"\n',
        '[[package]]\nname = "serde"\nversion = "1.0.2"\n',
      ),
    ).toMatchObject([{ name: "serde", from: "1.0.1", to: "1.0.2" }]);
  });

  it("reads a broken or unknown file as no versions, never throws", () => {
    expect(dependencyChanges("package-lock.json", "{not json", lock({ a: "1.0.0" }))).toMatchObject([
      { name: "a", from: null },
    ]);
    expect(dependencyChanges("yarn.lock", "a", "b")).toEqual([]);
    expect(isDependencyFile("svc/requirements.txt")).toBe(true);
    expect(isDependencyFile("README.md")).toBe(false);
  });
});
