import { realpath } from "node:fs/promises";
import type { Clock } from "../../common/clock.js";
import { ValidationError } from "../../common/errors.js";
import type { Store } from "../../store/index.js";
import type { TestDependencyRecorder } from "../selection.js";
import { isTestFileName } from "../select/test-files.js";
import { readV8Coverage } from "./v8-coverage.js";

type V8Input = Parameters<TestDependencyRecorder["recordV8Coverage"]>[0];
type PythonInput = Parameters<TestDependencyRecorder["recordPythonCoverage"]>[0];

/**
 * Records per-test-file dependencies from coverage into the project's map (`store.testDeps`) at
 * the run's commit: V8 coverage (source `v8`) or coverage.py reports (source `coverage.py`).
 * Only the test files found are written, so a run of a selection updates the map incrementally.
 * Nothing is stored when no test file is found. `recordV8Map` stores a map an agent reduced from
 * its own V8 coverage the same way.
 */
export class DependencyRecorder implements TestDependencyRecorder {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Reads a `NODE_V8_COVERAGE` directory and stores what each test file exercised. */
  async recordV8Coverage(input: V8Input): Promise<{ testFiles: number; skipped: string[] }> {
    const projectId = await this.#projectOf(input);
    const repoDir = await realpath(input.repoDir);
    const wanted = input.testFiles && new Set(input.testFiles);
    const isTest = wanted ? (f: string) => wanted.has(f) : isTestFileName;
    const { deps, skipped } = await readV8Coverage(repoDir, input.coverageDir, isTest);
    await this.#store(projectId, input.commit, "v8", deps);
    return { testFiles: deps.size, skipped };
  }

  /** Stores a map reduced from V8 coverage elsewhere (an agent's), as `recordV8Coverage` stores its own. */
  async recordV8Map(input: Parameters<TestDependencyRecorder["recordV8Map"]>[0]): Promise<{ testFiles: number }> {
    const projectId = await this.#projectOf(input);
    const deps = new Map([...input.tests].map(([t, files]) => [t, new Set(files)]));
    await this.#store(projectId, input.commit, "v8", deps);
    return { testFiles: deps.size };
  }

  /**
   * Stores each test file's coverage.py map (every repository file its pytest process ran, see
   * `readPyCoverageJson`) and deletes the stored maps of the test files that ran without a usable
   * report: what they reach now is unknown, so they have no data rather than an old map.
   */
  async recordPythonCoverage(input: PythonInput): Promise<{ testFiles: number; forgotten: number }> {
    const projectId = await this.#projectOf(input);
    const deps = new Map([...input.runs].map(([test, run]) => [test, run.files]));
    await this.#store(projectId, input.commit, "coverage.py", deps);
    const forgotten = await this.store.testDeps.forget(projectId, input.unusable);
    return { testFiles: deps.size, forgotten };
  }

  async #projectOf(input: { project: string; commit: string }): Promise<number> {
    if (!/^[0-9a-f]{7,64}$/i.test(input.commit))
      throw new ValidationError(`'${input.commit.slice(0, 80)}' is not a commit id`);
    return (await this.store.projects.resolve(input.project)).id;
  }

  async #store(projectId: number, commit: string, source: string, deps: Map<string, Set<string>>): Promise<void> {
    if (deps.size === 0) return;
    const tests = new Map([...deps].map(([t, files]) => [t, [...files]]));
    await this.store.testDeps.record(projectId, commit, source, tests, this.clock.now());
  }
}
