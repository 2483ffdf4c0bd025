import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRepairBounds } from "../fixers/config/repair-bounds.js";
import { generateReproduction, type ReproductionInput } from "./reproduction.js";
import { readServiceProject } from "./service-project.js";

/** A directory holding `files`. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-project-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const pkg = (fields: object) => JSON.stringify({ name: "svc", scripts: { start: "node main.mjs" }, ...fields });
const failure: ReproductionInput = { request: { method: "GET", path: "/carts/x", status: 500 }, name: "missing cart" };

describe("readServiceProject", () => {
  it("tells the Node.js framework from scripts.test, then from the dependencies", () => {
    expect(
      readServiceProject(
        project({
          "package.json": pkg({
            scripts: { start: "node main.mjs", test: "vitest run" },
            devDependencies: { vitest: "^4" },
          }),
        }),
      ),
    ).toMatchObject({ framework: "vitest", test: ["node_modules/.bin/vitest", "run"] });
    expect(
      readServiceProject(
        project({
          "package.json": pkg({ scripts: { start: "node a.js", test: "jest --ci" }, devDependencies: { jest: "^29" } }),
        }),
      ),
    ).toMatchObject({ framework: "jest", test: ["node_modules/.bin/jest", "--ci"], esm: false });
    expect(
      readServiceProject(project({ "package.json": pkg({ type: "module", devDependencies: { jest: "^29" } }) })),
    ).toMatchObject({
      framework: "jest",
      test: ["node_modules/.bin/jest"],
      esm: true,
    });
    expect(
      readServiceProject(
        project({
          "package.json": pkg({
            scripts: { start: "node a.js", test: "node --test" },
            devDependencies: { vitest: "^4" },
          }),
        }),
      ),
    ).toMatchObject({ framework: "node:test", test: ["node", "--test"] });
    expect(readServiceProject(project({ "package.json": pkg({}) }))).toMatchObject({
      framework: "node:test",
      test: ["node", "--test", "test/"],
    });
  });

  it("picks pytest when the Python project configures it, else unittest", () => {
    const py = (files: Record<string, string>) => readServiceProject(project({ "main.py": "", ...files }));
    expect(py({ "pytest.ini": "[pytest]\n", "tests/test_a.py": "" })).toMatchObject({
      framework: "pytest",
      test: ["python3", "-m", "pytest", "-q"],
      testDir: "tests",
    });
    expect(
      py({ "pyproject.toml": '[project]\nname = "x"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n' }),
    ).toMatchObject({
      framework: "pytest",
      testDir: ".",
    });
    expect(py({ "tests/conftest.py": "" }).framework).toBe("pytest");
    expect(py({ "setup.cfg": "[tool:pytest]\n" }).framework).toBe("pytest");
    expect(py({ "pyproject.toml": '[project]\nname = "x"\n', "tests/__init__.py": "" })).toMatchObject({
      framework: "unittest",
      test: ["python3", "-m", "unittest"],
      testDir: "tests",
    });
  });
});

describe("declared commands", () => {
  it("make any directory a project, override what is read, and leave the config fixer's bounds alone", async () => {
    const yaml = "test: [sh, run-tests.sh]\nservice:\n  start: [java, -jar, app.jar]\n";
    const dir = project({ "pitcrew.repair.yaml": yaml });
    expect(readServiceProject(dir)).toEqual({
      language: "other",
      framework: "node:test",
      start: ["java", "-jar", "app.jar"],
      test: ["sh", "run-tests.sh"],
      testDir: "pitcrew-repro",
    });
    expect(await readRepairBounds(dir)).toEqual([]);
    const py = project({ "main.py": "", "pitcrew.repair.yaml": "test: [make, check]\n" });
    expect(readServiceProject(py)).toMatchObject({
      framework: "unittest",
      start: ["python3", "main.py"],
      test: ["make", "check"],
    });
    const bare = readServiceProject(project({ "pitcrew.repair.yaml": "test: [./check]\n" }));
    expect(() => generateReproduction(bare, failure)).toThrow(/declare service\.start in pitcrew\.repair\.yaml/);
    expect(() => readServiceProject(project({ "pitcrew.repair.yaml": "test: make check\n" }))).toThrow(
      /pitcrew\.repair\.yaml: test: /,
    );
    expect(() => readServiceProject(project({ "README.md": "" }))).toThrow(
      /no test command declared in pitcrew\.repair\.yaml/,
    );
  });
});

describe("generateReproduction", () => {
  it("writes a jest test in the package's module syntax that runs only itself", () => {
    for (const esm of [false, true]) {
      const repro = generateReproduction(
        {
          language: "node",
          framework: "jest",
          start: ["node", "main.js"],
          test: ["node_modules/.bin/jest"],
          testDir: "test",
          esm,
        },
        failure,
      );
      expect(repro).toMatchObject({
        path: "test/pitcrew-repro-missing-cart.test.js",
        framework: "jest",
        command: ["node_modules/.bin/jest", "--runTestsByPath", "test/pitcrew-repro-missing-cart.test.js"],
      });
      expect(repro.text).toContain('test("GET /carts/x is not answered 5xx any more (it was 500)", async () => {');
      expect(repro.text).toContain("}, 30000);");
      // jest < 28 resolves no `node:` specifiers and jest 26 has no global fetch
      expect(repro.text).not.toContain('"node:');
      expect(repro.text).not.toMatch(/\bfetch\(/);
      expect(repro.text).toContain("afterEach(async () => {");
      expect(repro.text).toContain("expect(outcome).not.toMatch(/ answered 5\\d\\d: /);");
      expect(repro.text).not.toContain('from "vitest"');
      expect(repro.text).not.toContain("node:test");
      expect(repro.text).toContain(
        esm ? 'import { spawn } from "child_process";' : 'const { spawn } = require("child_process");',
      );
      expect(repro.text).toContain(esm ? 'new URL("../", import.meta.url)' : 'resolve(__dirname, "../")');
      // the text is valid JavaScript of that module kind
      const file = join(project({}), esm ? "t.mjs" : "t.cjs");
      writeFileSync(file, repro.text);
      execFileSync(process.execPath, ["--check", file]);
    }
  });

  it("writes a vitest test and a pytest module", () => {
    const vitest = generateReproduction(
      { language: "node", framework: "vitest", start: ["node", "main.mjs"], test: [], testDir: "test", esm: true },
      failure,
    );
    expect(vitest.command).toEqual(["node_modules/.bin/vitest", "run", "test/pitcrew-repro-missing-cart.test.mjs"]);
    expect(vitest.text).toContain('import { afterEach, expect, test } from "vitest";');
    expect(vitest.text).toContain("expect(answer.status, outcome).toBeLessThan(500);");
    const pytest = generateReproduction(
      { language: "python", framework: "pytest", start: ["python3", "main.py"], test: [], testDir: "tests" },
      failure,
    );
    expect(pytest).toMatchObject({
      path: "tests/test_pitcrew_repro_missing_cart.py",
      command: ["python3", "-m", "pytest", "-q", "tests/test_pitcrew_repro_missing_cart.py"],
    });
    expect(pytest.text).toContain("import pytest\n");
    expect(pytest.text).toContain("@pytest.fixture\ndef cleanup():");
    expect(pytest.text).toContain("def test_replay(cleanup):");
    expect(pytest.text).toContain("    assert status < 500, outcome\n");
    expect(pytest.text).not.toContain("unittest");
    execFileSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: pytest.text });
  });
});
