/**
 * What the reproduction needs to know about a service's project: its language and test
 * framework, how it starts (the process contract: `$PORT=0` picks a free port and the first log
 * line says `listening on HOST:PORT`), how its whole test suite runs, and where regression tests
 * go. Commands are argv arrays; a start script needing a shell is refused.
 *
 * Node.js (`package.json`): `scripts.start` (or `node <main>`) and `scripts.test` (default
 * `node --test test/`, `vitest run`, `jest` or `mocha`). The framework is the one `scripts.test`
 * runs (`vitest`, `jest`, `mocha`, `node --test`); without a telling script, a `vitest`, `jest`
 * or `mocha` dependency decides; else node:test. A script command naming a declared dependency
 * runs from `node_modules/.bin/`; a test script that needs a shell (`lint && jest`) runs as npm
 * runs it, with `sh -c` and `node_modules/.bin` first on the PATH.
 *
 * Python (`main.py`): pytest when the project configures it (`pytest.ini`, `conftest.py` at the
 * root or in `tests/`, `[tool.pytest…]` in `pyproject.toml`, `[tool:pytest]` in `setup.cfg`,
 * `[pytest]` in `tox.ini`), else unittest. Tests go to `tests/` (unittest: when it is a package).
 *
 * Any other project (Java, Go, …) declares its commands in `pitcrew.repair.yaml`
 * (`declared-commands.ts`); its reproduction is a node:test file in `pitcrew-repro/` that starts
 * the service as declared. Declared commands also override those read for Node.js and Python.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../../common/errors.js";
import { readDeclaredCommands } from "./declared-commands.js";

/** The test frameworks regression tests are written for. */
export type TestFramework = "node:test" | "vitest" | "jest" | "mocha" | "unittest" | "pytest";

/** A service project as the reproduction sees it. */
export interface ServiceProject {
  /** `other`: a project known only by the commands its `pitcrew.repair.yaml` declares. */
  language: "node" | "python" | "other";
  framework: TestFramework;
  /** How the service starts, run in its directory (empty when a declared project does not say). */
  start: string[];
  /** The project's whole test suite. */
  test: string[];
  /** Directory (relative to the service) regression tests are written to. */
  testDir: string;
  /** Node.js: the package is an ES module package (`"type": "module"`). */
  esm?: boolean;
}

/** The whole-suite command of a Node.js package without `scripts.test`, per framework. */
const DEFAULT_NODE_TEST: Record<NodeFramework, string[]> = {
  "node:test": ["node", "--test", "test/"],
  vitest: ["vitest", "run"],
  jest: ["jest"],
  mocha: ["mocha"],
};

type NodeFramework = "node:test" | "vitest" | "jest" | "mocha";

/** Characters only a shell interprets. */
const SHELL = /[|&;<>()$`"'\\*?{}[\]~]/;

/** The parts of package.json read here. */
interface PackageJson {
  type?: string;
  main?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Splits a package.json script into argv, refusing anything a shell would have to interpret. */
function scriptArgv(script: string | undefined, what: string): string[] | undefined {
  if (script === undefined) return undefined;
  if (SHELL.test(script))
    throw new ValidationError(
      `package.json scripts.${what} needs a shell (${script}); pitcrew runs commands without one`,
    );
  const argv = script.trim().split(/\s+/).filter(Boolean);
  return argv.length ? argv : undefined;
}

/** The test script as npm runs it: through `sh -c` with `node_modules/.bin` first on the PATH. */
function shellScript(script: string): string[] {
  return ["sh", "-c", `PATH="$PWD/node_modules/.bin:$PATH"; export PATH; ${script}`];
}

/** The framework a Node.js package tests with (see the module comment). */
function nodeFramework(pkg: PackageJson, script: string | undefined): NodeFramework {
  const words = (script ?? "").split(/[\s;&|()]+/).filter(Boolean);
  const runner = words.find((w) => w === "vitest" || w === "jest" || w === "mocha");
  if (runner) return runner as NodeFramework;
  if (words.includes("node") && words.includes("--test")) return "node:test";
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  return "vitest" in deps ? "vitest" : "jest" in deps ? "jest" : "mocha" in deps ? "mocha" : "node:test";
}

/** `argv` with a first word naming a declared dependency run from `node_modules/.bin/`. */
function localBin(pkg: PackageJson, argv: string[]): string[] {
  const args = argv[0] === "npx" ? argv.slice(1) : argv;
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  return args[0] && args[0] in deps ? [`node_modules/.bin/${args[0]}`, ...args.slice(1)] : argv;
}

/** True when the Python project in `dir` configures pytest (see the module comment). */
function usesPytest(dir: string): boolean {
  const has = (file: string, pattern?: RegExp) => {
    const path = join(dir, file);
    return existsSync(path) && (!pattern || pattern.test(readFileSync(path, "utf8")));
  };
  return (
    has("pytest.ini") ||
    has("conftest.py") ||
    has("tests/conftest.py") ||
    has("pyproject.toml", /^\[tool\.pytest/m) ||
    has("setup.cfg", /^\[tool:pytest\]/m) ||
    has("tox.ini", /^\[pytest\]/m)
  );
}

/** Reads the project in `serviceDir`; throws ValidationError when it is none of the kinds. */
export function readServiceProject(serviceDir: string): ServiceProject {
  const declared = readDeclaredCommands(serviceDir);
  const found = readKnownProject(serviceDir, declared.start !== undefined);
  if (found) return { ...found, start: declared.start ?? found.start, test: declared.test ?? found.test };
  if (declared.test)
    return {
      language: "other",
      framework: "node:test",
      start: declared.start ?? [],
      test: declared.test,
      testDir: "pitcrew-repro",
    };
  throw new ValidationError(
    `${serviceDir}: neither a Node.js (package.json) nor a Python (main.py) service, and no test command declared in pitcrew.repair.yaml`,
  );
}

/** A Node.js or Python project, or undefined; `startDeclared` lifts the need for a start script. */
function readKnownProject(serviceDir: string, startDeclared: boolean): ServiceProject | undefined {
  const pkgPath = join(serviceDir, "package.json");
  if (existsSync(pkgPath)) {
    const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as PackageJson;
    const start = scriptArgv(pkg.scripts?.start, "start") ?? (pkg.main ? ["node", pkg.main] : undefined);
    if (!start && !startDeclared)
      throw new ValidationError(`${pkgPath}: no scripts.start or main to start the service with`);
    const script = pkg.scripts?.test;
    const framework = nodeFramework(pkg, script);
    const test =
      script !== undefined && SHELL.test(script)
        ? shellScript(script)
        : localBin(pkg, scriptArgv(script, "test") ?? DEFAULT_NODE_TEST[framework]);
    return { language: "node", framework, start: start ?? [], test, testDir: "test", esm: pkg.type === "module" };
  }
  if (existsSync(join(serviceDir, "main.py"))) {
    const start = ["python3", "main.py"];
    if (usesPytest(serviceDir)) {
      const testDir = existsSync(join(serviceDir, "tests")) ? "tests" : ".";
      return { language: "python", framework: "pytest", start, test: ["python3", "-m", "pytest", "-q"], testDir };
    }
    const testDir = existsSync(join(serviceDir, "tests", "__init__.py")) ? "tests" : ".";
    return { language: "python", framework: "unittest", start, test: ["python3", "-m", "unittest"], testDir };
  }
  return undefined;
}
