import { posix } from "node:path";

/** Base names whose change can alter every test's outcome: manifests, lock files, build and test configuration. */
const FULL_RUN_NAMES = new Set([
  "package.json",
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "pnpm-workspace.yaml",
  "bun.lockb",
  "bun.lock",
  ".npmrc",
  ".nvmrc",
  ".node-version",
  ".babelrc",
  ".swcrc",
  "pyproject.toml",
  "setup.cfg",
  "setup.py",
  "tox.ini",
  "pytest.ini",
  "Pipfile",
  "Pipfile.lock",
  "poetry.lock",
  "uv.lock",
  "Makefile",
]);

/** Base-name patterns of the same kind (configs with any extension, tsconfig variants, requirement files). */
const FULL_RUN_PATTERNS = [
  /^tsconfig(\..*)?\.json$/,
  /^jsconfig\.json$/,
  /^(vitest|vite|jest|babel|rollup|webpack|esbuild|swc)\.(config|workspace)\.[cm]?[jt]s(on)?$/,
  /^vitest\.workspace\.[a-z]+$/,
  /^jest\.setup\.[cm]?[jt]s$/,
];

/** Python requirement and constraint files, also in a `requirements/` directory (`requirements/tests.txt`). */
const PYTHON_PINS = /(^|\/)((requirements|constraints)[^/]*\.(txt|in)|requirements\/[^/]+\.(txt|in))$/;

/**
 * Why a changed file makes every test run, or undefined when it does not: a package manifest,
 * lock file, build or test-framework configuration, or the pipeline (`.pitcrew/`). Such changes
 * alter how every test is built or run, which no dependency map shows. (The selector limits one
 * in a subdirectory to the tests under that directory.)
 */
export function fullRunTrigger(path: string): string | undefined {
  if (path.startsWith(".pitcrew/")) return `the pipeline file ${path} changed`;
  if (PYTHON_PINS.test(path)) return `${path} changed (Python requirements): every test runs`;
  const name = posix.basename(path);
  if (FULL_RUN_NAMES.has(name) || FULL_RUN_PATTERNS.some((p) => p.test(name))) {
    return `${path} changed (manifest, lock file or build/test configuration): every test runs`;
  }
  return undefined;
}

/** Files no test can depend on: documentation, licences, images and CI definitions of other systems. */
export function isInert(path: string): boolean {
  const name = posix.basename(path).toLowerCase();
  if (path.startsWith(".github/") || path.startsWith(".gitlab/") || path.startsWith("docs/")) return true;
  if (
    /^(license|licence|copying|authors|changelog|changes|contributing|notice|code_of_conduct|security)(\..*)?$/.test(
      name,
    )
  )
    return true;
  return (
    /\.(md|mdx|rst|txt|png|jpe?g|gif|svg|ico|webp)$/.test(name) || name === ".gitignore" || name === ".gitattributes"
  );
}

/**
 * Whether a changed trigger file concerns the whole repository wherever it lies: at the root,
 * under `.pitcrew/`, or a Python requirements/constraints file (pinned for the whole
 * environment, often kept in a `requirements/` directory). Others concern their directory only.
 */
export function isRepoWide(path: string): boolean {
  return !path.includes("/") || path.startsWith(".pitcrew/") || PYTHON_PINS.test(path);
}
