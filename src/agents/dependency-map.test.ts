import { describe, expect, it } from "vitest";
import { fromWireMap, repoPathProblem, stepFileMatcher, toWireMap } from "./dependency-map.js";
import { dependenciesBody, MAX_MAP_FILES, MAX_TEST_PATH } from "./protocol.js";

const map = (entries: Record<string, string[]>) =>
  new Map(Object.entries(entries).map(([t, files]) => [t, new Set(files)]));

describe("dependency maps on the agent protocol", () => {
  it("takes plain relative repository paths only", () => {
    expect(repoPathProblem("src/a.ts")).toBeUndefined();
    expect(repoPathProblem("/etc/passwd")).toBe("is absolute");
    expect(repoPathProblem("C:/x.js")).toBe("is absolute");
    expect(repoPathProblem("src\\a.js")).toBe("contains a backslash");
    expect(repoPathProblem("src/../../x.js")).toBe("contains a '..' segment");
    expect(repoPathProblem("src//a.js")).toBe("contains an empty or '.' segment");
    expect(repoPathProblem("./a.js")).toBe("contains an empty or '.' segment");
  });

  it("matches a step's files: patterns like the workspace matcher (globs, literal folders, exclusions)", () => {
    const m = stepFileMatcher(["./test/**/*.test.mjs", "spec", "!test/skip/**"]);
    expect(m("test/a.test.mjs")).toBe(true);
    expect(m("test/deep/b.test.mjs")).toBe(true);
    expect(m("spec/c.test.js")).toBe(true);
    expect(m("test/skip/d.test.mjs")).toBe(false);
    expect(m("src/a.test.mjs")).toBe(false);
    expect(m("specs/x.test.js")).toBe(false);
  });

  it("carries a map both ways, each file once, and the server gets back what the agent reduced", () => {
    const wire = toWireMap(
      7,
      1,
      map({ "test/b.test.mjs": ["src/b.mjs", "src/util.mjs"], "test/a.test.mjs": ["src/util.mjs"] }),
    );
    if ("refused" in wire) throw new Error(wire.refused);
    expect(wire.body.files).toEqual(["src/util.mjs", "src/b.mjs"]);
    expect(dependenciesBody.parse(wire.body)).toEqual(wire.body);
    const back = fromWireMap(wire.body, stepFileMatcher(["test/*.test.mjs"]));
    expect(Object.fromEntries(back)).toEqual({
      "test/a.test.mjs": ["src/util.mjs"],
      "test/b.test.mjs": ["src/b.mjs", "src/util.mjs"],
    });
  });

  it("leaves out a test file with a path it cannot carry, and sends nothing past the bounds", () => {
    const long = `src/${"x".repeat(MAX_TEST_PATH)}.js`;
    const wire = toWireMap(1, 0, map({ "a.test.js": ["src/a.js"], "b.test.js": [long] }));
    if ("refused" in wire) throw new Error(wire.refused);
    expect(wire.left).toEqual(["b.test.js"]);
    expect(wire.body.tests.map((t) => t.file)).toEqual(["a.test.js"]);
    const many = Array.from({ length: MAX_MAP_FILES + 1 }, (_, i) => `src/f${i}.js`);
    expect(toWireMap(1, 0, map({ "a.test.js": many }))).toEqual({
      refused: `${MAX_MAP_FILES + 1} files, over the limit of ${MAX_MAP_FILES}`,
    });
  });

  it("refuses on the server a hostile map: outside the repository, not the step's test file, sent twice", () => {
    const isStep = stepFileMatcher(["test/*.test.mjs"]);
    const body = (files: string[], tests: { file: string; deps: number[] }[]) => ({
      agentId: 1,
      step: 0,
      files,
      tests,
    });
    expect(() => fromWireMap(body(["/etc/passwd"], [{ file: "test/a.test.mjs", deps: [0] }]), isStep)).toThrow(
      "dependency map refused: file '/etc/passwd' is absolute",
    );
    expect(() => fromWireMap(body(["../x.js"], [{ file: "test/a.test.mjs", deps: [0] }]), isStep)).toThrow(
      "contains a '..' segment",
    );
    expect(() => fromWireMap(body([], [{ file: "src/a.mjs", deps: [] }]), isStep)).toThrow(
      "test file 'src/a.mjs' is not one of the step's test files",
    );
    const twice = [
      { file: "test/a.test.mjs", deps: [] },
      { file: "test/a.test.mjs", deps: [] },
    ];
    expect(() => fromWireMap(body([], twice), isStep)).toThrow("is sent twice");
    // the schema: an index past the files list, and too many files
    expect(dependenciesBody.safeParse(body([], [{ file: "test/a.test.mjs", deps: [0] }])).success).toBe(false);
    const many = Array.from({ length: MAX_MAP_FILES + 1 }, (_, i) => `f${i}.js`);
    expect(dependenciesBody.safeParse(body(many, [{ file: "test/a.test.mjs", deps: [] }])).success).toBe(false);
  });
});
