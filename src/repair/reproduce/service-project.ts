/**
 * What the reproduction needs to know about a service's project: its language, how it starts
 * (the process contract: `$PORT=0` picks a free port and the first log line says
 * `listening on HOST:PORT`), how its whole test suite runs, and where regression tests go. Read
 * from `package.json` (`scripts.start`, `scripts.test`) for Node.js and from `main.py` plus a
 * `tests/` package for Python. Commands are argv arrays; a script needing a shell is refused.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../../common/errors.js";

/** A service project as the reproduction sees it. */
export interface ServiceProject {
  language: "node" | "python";
  /** How the service starts, run in its directory. */
  start: string[];
  /** The project's whole test suite. */
  test: string[];
  /** Directory (relative to the service) regression tests are written to. */
  testDir: string;
}

/** Splits a package.json script into argv, refusing anything a shell would have to interpret. */
function scriptArgv(script: string | undefined, what: string): string[] | undefined {
  if (script === undefined) return undefined;
  if (/[|&;<>()$`"'\\*?{}[\]~]/.test(script))
    throw new ValidationError(
      `package.json scripts.${what} needs a shell (${script}); pitcrew runs commands without one`,
    );
  const argv = script.trim().split(/\s+/).filter(Boolean);
  return argv.length ? argv : undefined;
}

/** Reads the project in `serviceDir`; throws ValidationError when it is neither kind. */
export function readServiceProject(serviceDir: string): ServiceProject {
  const pkgPath = join(serviceDir, "package.json");
  if (existsSync(pkgPath)) {
    const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { scripts?: Record<string, string>; main?: string };
    const start = scriptArgv(pkg.scripts?.start, "start") ?? (pkg.main ? ["node", pkg.main] : undefined);
    if (!start) throw new ValidationError(`${pkgPath}: no scripts.start or main to start the service with`);
    const test = scriptArgv(pkg.scripts?.test, "test") ?? ["node", "--test", "test/"];
    return { language: "node", start, test, testDir: "test" };
  }
  if (existsSync(join(serviceDir, "main.py"))) {
    const testDir = existsSync(join(serviceDir, "tests", "__init__.py")) ? "tests" : ".";
    return { language: "python", start: ["python3", "main.py"], test: ["python3", "-m", "unittest"], testDir };
  }
  throw new ValidationError(`${serviceDir}: neither a Node.js (package.json) nor a Python (main.py) service`);
}
