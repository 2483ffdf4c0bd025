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

/** Directories whose files tests read as data: nothing under them is inert, whatever its type. */
const TEST_DATA_DIR =
  /(^|\/)(tests?|__tests__|spec|fixtures?|__fixtures__|__snapshots__|snapshots|testdata|test-data)\//i;

/** Root directories of other CI systems and of documentation: never read by a test run. */
const INERT_DIRS = /^(\.github|\.gitlab|docs)\//;

/** Root directories of other tools that run no test: CI systems, editors, dev containers. */
const OTHER_TOOL_DIRS = /^(\.circleci|\.buildkite|\.azure-pipelines|\.devcontainer|\.vscode|\.idea)\//;

/**
 * Base names of files read only by another tool that runs no test: other CI systems, the
 * pre-commit hook runner, hosted docs and coverage services, dependency bots, editors, git's
 * blame and mailmap (compared lower-cased).
 */
const OTHER_TOOL_FILES =
  /^(\.pre-commit-config\.ya?ml|\.pre-commit-hooks\.ya?ml|\.readthedocs\.ya?ml|\.gitlab-ci\.yml|\.travis\.yml|\.?appveyor\.yml|azure-pipelines\.yml|jenkinsfile|\.?codecov\.ya?ml|renovate\.json5?|\.renovaterc(\.json)?|codeowners|\.mailmap|\.git-blame-ignore-revs)$/;

/**
 * Whether a path is the file of a tool that runs no test (`.pre-commit-config.yaml`,
 * `.readthedocs.yaml`, `codecov.yml`, `renovate.json`, `.travis.yml`,
 * `.circleci/`, `.vscode/`, `.devcontainer/`, …) outside any test data directory. Such a change
 * runs no test by itself; the selector still selects a test whose text names the file.
 */
export function isOtherToolFile(path: string): boolean {
  if (TEST_DATA_DIR.test(path)) return false;
  return OTHER_TOOL_DIRS.test(path) || OTHER_TOOL_FILES.test(posix.basename(path).toLowerCase());
}

/**
 * Files no test can depend on: documentation (`*.md`, `*.mdx`, `*.rst`, `docs/`), licence,
 * changelog and similar project files, images, `.gitignore` (a checkout holds tracked files
 * only; `.gitattributes` is not inert: it changes their line endings), GitHub's and GitLab's CI
 * files (`.github/`, `.gitlab/`), and the files of other tools that run no test
 * ({@link isOtherToolFile}). Nothing under a test, fixture or snapshot directory is inert: a test
 * may read it. (Linter, formatter and type-checker configurations are not inert, `.editorconfig`
 * included, which prettier and other formatters read: a test may run the linter or a format check.)
 */
export function isInert(path: string): boolean {
  if (TEST_DATA_DIR.test(path)) return false;
  const name = posix.basename(path).toLowerCase();
  if (INERT_DIRS.test(path) || isOtherToolFile(path)) return true;
  if (
    /^(license|licence|copying|authors|changelog|changes|contributing|notice|code_of_conduct|security)(\..*)?$/.test(
      name,
    )
  )
    return true;
  return /\.(md|mdx|rst|png|jpe?g|gif|svg|ico|webp)$/.test(name) || name === ".gitignore";
}

/**
 * Whether a changed trigger file concerns the whole repository wherever it lies: at the root,
 * under `.pitcrew/`, or a Python requirements/constraints file (pinned for the whole
 * environment, often kept in a `requirements/` directory). Others concern their directory only.
 */
export function isRepoWide(path: string): boolean {
  return !path.includes("/") || path.startsWith(".pitcrew/") || PYTHON_PINS.test(path);
}
