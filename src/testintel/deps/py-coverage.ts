import { isAbsolute, relative, resolve, sep } from "node:path";

/** Most measured files one coverage.py report may list (the store keeps no map over 20,000 either). */
export const MAX_PY_COVERAGE_FILES = 20_000;

/**
 * What one pytest process (one test file) executed, from its `coverage json --show-contexts`
 * report: every repository file with a line run, at collection and import time included (the
 * test file itself left out). Like a V8 map, per file and per process: a module the test only
 * imported (a constant, a dataclass default, a registration at import) is in it, since what it
 * bound at import may be all the test uses of it.
 */
export interface PyRunCoverage {
  files: Set<string>;
}

/**
 * Reads the JSON report of the pytest process that ran `testFile` (repository-relative) in
 * `cwd` (coverage.py names the files under its working directory relative to it), the paths
 * confined to `repoDir` (both real paths): files outside it, under `node_modules`, `.git` or a
 * `site-packages`, and names with control characters are left out. The job wrote the report, so
 * every value is checked before use. The dynamic contexts only show that the test file's own
 * tests were measured. Returns why the report is unusable instead: not coverage JSON, over
 * {@link MAX_PY_COVERAGE_FILES} files, or the test file's own tests not seen running under a
 * test context (another tracer took over, or the tests ran in other processes).
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
  const run: PyRunCoverage = { files: new Set() };
  let testRan = false;
  for (const name of names) {
    const entry = files[name];
    if (!isObject(entry) || !Array.isArray(entry.executed_lines) || entry.executed_lines.length === 0) continue;
    const file = repoFile(repoDir, cwd, name);
    if (file === undefined) continue;
    // a report without contexts counts the test file's lines as run by its tests
    if (file === testFile) testRan ||= isObject(entry.contexts) ? ranInATest(entry.contexts) : true;
    else run.files.add(file);
  }
  if (!testRan) return `${testFile} ran no line under a test context (its tests were not measured)`;
  return run;
}

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
