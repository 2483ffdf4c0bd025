import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SourceMapGenerator } from "source-map-js";
import { describe, expect, it } from "vitest";
import { applySourceMaps, findUnderRoot } from "./source-map.js";
import type { Frame } from "./types.js";

/** A project with dist/app.js compiled from src/app.ts: generated line 2 col 5 ← original line 10 col 3. */
function project(mapComment: (map: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), "pitcrew-smap-"));
  mkdirSync(join(root, "dist"));
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "src/app.ts"), "// original\n");
  const gen = new SourceMapGenerator({ file: "app.js", sourceRoot: "../src" });
  gen.addMapping({ generated: { line: 2, column: 4 }, original: { line: 10, column: 2 }, source: "app.ts" });
  const map = gen.toString();
  writeFileSync(join(root, "dist/app.js.map"), map);
  writeFileSync(join(root, "dist/app.js"), `"use strict";\n    boom();\n${mapComment(map)}\n`);
  return root;
}

const frame = (file: string): Frame => ({ file, line: 2, column: 5, function: "run", inApp: true, raw: "" });

describe("applySourceMaps", () => {
  it("maps a container path to the original TypeScript position via a map file", () => {
    const root = project(() => "//# sourceMappingURL=app.js.map");
    expect(findUnderRoot(root, "/home/runner/work/x/x/dist/app.js")).toBe("dist/app.js");
    const [mapped] = applySourceMaps([frame("/home/runner/work/x/x/dist/app.js")], root);
    expect(mapped).toMatchObject({ file: "src/app.ts", line: 10, column: 3, function: "run" });
  });

  it("reads inline data: URL maps", () => {
    const root = project(
      (map) => `//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString("base64")}`,
    );
    expect(applySourceMaps([frame("/app/dist/app.js")], root)[0]).toMatchObject({ file: "src/app.ts", line: 10 });
  });

  it("leaves frames alone without a map, outside the root, or when the map points outside the root", () => {
    const plain = project(() => "");
    expect(applySourceMaps([frame("/app/dist/app.js")], plain)[0]!.line).toBe(2);
    const escaping = project(() => "//# sourceMappingURL=../../../../etc/passwd");
    expect(applySourceMaps([frame("/app/dist/app.js")], escaping)[0]!.file).toBe("/app/dist/app.js");
    expect(applySourceMaps([frame("/elsewhere/other.js")], plain)[0]!.file).toBe("/elsewhere/other.js");
  });
});
