import type { Store } from "../../store/index.js";
import { commitsBetween } from "./changed-files.js";

/** A stored map older than this many commits is stale: its test files run until a new one is recorded. */
export const MAX_MAP_AGE_COMMITS = 50;

/** One test file's recorded dependencies as seen from the commit being selected for. */
export interface StoredDeps {
  files: ReadonlySet<string>;
  /** Commit the dependencies were recorded at. */
  commit: string;
  /** What recorded them: `v8` or `coverage.py` (see `readPyCoverageJson`). */
  source: string;
  /** Commits between that commit and the one selected for; undefined when the recording commit is not in the repository. */
  age: number | undefined;
  stale: boolean;
}

/**
 * The project's newest recorded dependencies of each test file, with their age in commits
 * relative to `commit` (one `git rev-list --count` per distinct recording commit, all of them
 * ending by `deadline`, epoch ms).
 */
export async function storedMaps(
  store: Store,
  projectId: number,
  repoDir: string,
  commit: string,
  deadline?: number,
): Promise<Map<string, StoredDeps>> {
  const rows = await store.testDeps.latest(projectId);
  const ages = new Map<string, number | undefined>();
  for (const sha of new Set(rows.map((r) => r.commitSha)))
    ages.set(sha, await commitsBetween(repoDir, sha, commit, deadline));
  const maps = new Map<string, StoredDeps>();
  for (const r of rows) {
    const age = ages.get(r.commitSha);
    maps.set(r.testFile, {
      files: new Set(r.files),
      commit: r.commitSha,
      source: r.source,
      age,
      stale: age === undefined || age > MAX_MAP_AGE_COMMITS,
    });
  }
  return maps;
}
