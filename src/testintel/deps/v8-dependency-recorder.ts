import { realpath } from "node:fs/promises";
import type { Clock } from "../../common/clock.js";
import { ValidationError } from "../../common/errors.js";
import type { Store } from "../../store/index.js";
import type { TestDependencyRecorder } from "../selection.js";
import { isTestFileName } from "../select/test-files.js";
import { readV8Coverage } from "./v8-coverage.js";

/**
 * Records per-test-file dependencies from a `NODE_V8_COVERAGE` directory into the project's
 * map (`store.testDeps`) at the run's commit. Only the test files found are written, so a run
 * of a selection updates the map incrementally. Nothing is stored when no test file is found.
 * `recordV8Map` stores a map an agent reduced from its own coverage the same way.
 */
export class V8DependencyRecorder implements TestDependencyRecorder {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Reads the coverage directory and stores what each test file exercised; see the class comment. */
  async recordV8Coverage(input: Parameters<TestDependencyRecorder["recordV8Coverage"]>[0]): Promise<{
    testFiles: number;
    skipped: string[];
  }> {
    checkCommit(input.commit);
    const project = await this.store.projects.resolve(input.project);
    const repoDir = await realpath(input.repoDir);
    const wanted = input.testFiles && new Set(input.testFiles);
    const isTest = wanted ? (f: string) => wanted.has(f) : isTestFileName;
    const { deps, skipped } = await readV8Coverage(repoDir, input.coverageDir, isTest);
    const tests = new Map([...deps].map(([t, files]) => [t, [...files]]));
    await this.recordV8Map({ project: project.name, commit: input.commit, tests });
    return { testFiles: deps.size, skipped };
  }

  /** Stores a map reduced from V8 coverage elsewhere (an agent's), as `recordV8Coverage` stores its own. */
  async recordV8Map(input: Parameters<TestDependencyRecorder["recordV8Map"]>[0]): Promise<{ testFiles: number }> {
    checkCommit(input.commit);
    if (input.tests.size === 0) return { testFiles: 0 };
    const project = await this.store.projects.resolve(input.project);
    await this.store.testDeps.record(project.id, input.commit, "v8", input.tests, this.clock.now());
    return { testFiles: input.tests.size };
  }
}

function checkCommit(commit: string): void {
  if (!/^[0-9a-f]{7,64}$/i.test(commit)) throw new ValidationError(`'${commit.slice(0, 80)}' is not a commit id`);
}
