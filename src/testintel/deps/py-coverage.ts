import { isAbsolute, relative, resolve, sep } from "node:path";

/** Most measured files one coverage.py report may list (the store keeps no map over 20,000 either). */
export const MAX_PY_COVERAGE_FILES = 20_000;

/**
 * What one pytest process (one test file) executed, from its `coverage json --show-contexts`
 * report: repository files with a line run during a test (setup, call or teardown: a non-empty
 * dynamic context), and files only run outside any test (imported while collecting).
 */
export interface PyRunCoverage {
  tested: Set<string>;
  imported: Set<string>;
}

/**
 * Reads the JSON report of the pytest process that ran `testFile` (repository-relative) in
 * `cwd` (coverage.py names the files under its working directory relative to it), the paths
 * confined to `repoDir` (both real paths): files outside it, under `node_modules`, `.git` or a
 * `site-packages`, and names with control characters are left out. The job wrote the report, so
 * every value is checked before use; a report without contexts counts every executed file as
 * tested (coarser, never missing one). Returns why the report is unusable instead: not coverage
 * JSON, over {@link MAX_PY_COVERAGE_FILES} files, or the test file's own tests not seen running
 * under a test context (another tracer took over, or the tests ran in other processes).
 */
export function readPyCoverageJson(
  repoDir: string,
  cwd: string,
  text: string,
  testFile: string,
): PyRunCoverage | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message.slice(0, 120)})`;
  }
  const files = isObject(parsed) ? parsed.files : undefined;
  if (!isObject(files)) return "not a coverage.py JSON report (no files object)";
  const names = Object.keys(files);
  if (names.length > MAX_PY_COVERAGE_FILES)
    return `${names.length} measured files, over the limit of ${MAX_PY_COVERAGE_FILES}`;
  const run: PyRunCoverage = { tested: new Set(), imported: new Set() };
  let testRan = false;
  for (const name of names) {
    const entry = files[name];
    if (!isObject(entry) || !Array.isArray(entry.executed_lines) || entry.executed_lines.length === 0) continue;
    const file = repoFile(repoDir, cwd, name);
    if (file === undefined) continue;
    const tested = isObject(entry.contexts) ? ranInATest(entry.contexts) : true;
    if (file === testFile) testRan ||= tested;
    else (tested ? run.tested : run.imported).add(file);
  }
  if (!testRan) return `${testFile} ran no line under a test context (its tests were not measured)`;
  for (const f of run.tested) run.imported.delete(f);
  return run;
}

/**
 * Each test file's dependencies from the coverage of one step: the files it ran during its
 * tests; the files it only imported that no test ran (constants, settings: what they bind at
 * import may be all a test uses of them); and every `__init__.py` and `conftest.py` it ran
 * (re-exports, pytest hooks). A module it only imported that another test file exercises is left
 * out: that its code ran for that test and not this one is the point of dynamic contexts (a
 * package whose `__init__.py` imports every module no longer ties every test to every module).
 * "Another test exercises it" is known from this step's runs, or, for a step that ran a
 * selection, from the `earlier` coverage.py maps: a module the test's earlier map left out and
 * another test file's map holds stays out.
 */
export function pythonDependencies(
  runs: ReadonlyMap<string, PyRunCoverage>,
  earlier: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): Map<string, Set<string>> {
  const exercised = new Set<string>();
  for (const r of runs.values()) for (const f of r.tested) exercised.add(f);
  const heldBy = new Map<string, number>();
  for (const files of earlier.values()) for (const f of files) heldBy.set(f, (heldBy.get(f) ?? 0) + 1);
  const deps = new Map<string, Set<string>>();
  for (const [test, r] of runs) {
    const before = earlier.get(test);
    // left out before, and held by another test's map (not only by this test's own)
    const leftOut = (f: string) => before !== undefined && !before.has(f) && (heldBy.get(f) ?? 0) > 0;
    const set = new Set(r.tested);
    for (const f of r.imported) if (GLUE.test(f) || !(exercised.has(f) || leftOut(f))) set.add(f);
    set.delete(test);
    deps.set(test, set);
  }
  return deps;
}

/** Files whose import-time code concerns every test that loads them: package re-exports, pytest hooks. */
const GLUE = /(?:^|\/)(?:__init__|conftest)\.py$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Whether some line of the file ran under a non-empty dynamic context (a test's phase). */
function ranInATest(contexts: Record<string, unknown>): boolean {
  for (const labels of Object.values(contexts)) {
    if (Array.isArray(labels) && labels.some((l) => typeof l === "string" && l !== "")) return true;
  }
  return false;
}

/** The `/`-separated repository path of a measured file, or undefined when it is not one. */
function repoFile(repoDir: string, cwd: string, name: string): string | undefined {
  if (name === "" || /[\u0000-\u001f\u007f]/.test(name)) return undefined;
  const rel = relative(repoDir, resolve(cwd, name));
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return undefined;
  const parts = rel.split(sep);
  if (parts.some((p) => p === "node_modules" || p === ".git" || p === "site-packages")) return undefined;
  return parts.join("/");
}
