import { git } from "../../runner/index.js";

/** One past commit of the project's history: the test files that failed on it. */
export interface FailureCommit {
  sha: string;
  failedFiles: ReadonlySet<string>;
}

/** Historical co-failure between files a commit changed and test files that failed on it. */
export interface CoFailureModel {
  /** Changed file → test file → commits where the file changed and the test file failed. */
  together: Map<string, Map<string, number>>;
  /** File → commits of the history that changed it. */
  changes: Map<string, number>;
  /** Test file → share of the history's commits on which it failed. */
  failureRate: Map<string, number>;
  /** Commits of the history found in the repository. */
  commits: number;
}

/** Pseudo-commits of shrinkage towards the test file's own failure rate. */
export const CO_FAILURE_PRIOR_WEIGHT = 2;
/** Most commits read from git for the model. */
export const MAX_CO_FAILURE_COMMITS = 500;
/** Commits touching more files than this say nothing about any one of them (merges, mass renames). */
const MAX_FILES_PER_COMMIT = 200;

/**
 * Learns which changed files go with which failing test files from the project's history: one
 * `git log --no-walk --name-only` over the history's commits (those the repository knows), each
 * commit's changed files against its first parent.
 */
export async function learnCoFailure(repoDir: string, history: readonly FailureCommit[]): Promise<CoFailureModel> {
  const model: CoFailureModel = { together: new Map(), changes: new Map(), failureRate: new Map(), commits: 0 };
  const recent = history.slice(-MAX_CO_FAILURE_COMMITS);
  const known = await knownCommits(
    repoDir,
    recent.map((c) => c.sha),
  );
  const usable = recent.filter((c) => known.has(c.sha));
  if (usable.length === 0) return model;
  const out = await git(
    [
      "log",
      "--no-walk=unsorted",
      "--first-parent",
      "-m",
      "--name-only",
      "-z",
      "--format=%x01%H",
      ...usable.map((c) => c.sha),
      "--",
    ],
    {
      cwd: repoDir,
    },
  );
  const filesOf = new Map<string, string[]>();
  for (const block of out.split("\x01").slice(1)) {
    const [sha, ...rest] = block.split(/\n|\0/).filter((s) => s !== "");
    if (sha !== undefined && !filesOf.has(sha)) filesOf.set(sha, rest);
  }
  for (const c of usable) {
    model.commits++;
    for (const t of c.failedFiles) model.failureRate.set(t, (model.failureRate.get(t) ?? 0) + 1);
    const files = filesOf.get(c.sha) ?? [];
    if (files.length > MAX_FILES_PER_COMMIT) continue;
    for (const f of files) {
      model.changes.set(f, (model.changes.get(f) ?? 0) + 1);
      if (c.failedFiles.size === 0) continue;
      const row = model.together.get(f) ?? new Map<string, number>();
      for (const t of c.failedFiles) row.set(t, (row.get(t) ?? 0) + 1);
      model.together.set(f, row);
    }
  }
  for (const [t, n] of model.failureRate) model.failureRate.set(t, n / model.commits);
  return model;
}

/**
 * Chance that `testFile` fails when `changed` changes: the commits where both happened over
 * those that changed the file, shrunk by {@link CO_FAILURE_PRIOR_WEIGHT} pseudo-commits towards
 * the test file's overall failure rate (one coincidence on a file changed once is weak evidence).
 */
export function coFailureProbability(model: CoFailureModel, changed: string, testFile: string): number {
  const both = model.together.get(changed)?.get(testFile) ?? 0;
  const changes = model.changes.get(changed) ?? 0;
  const rate = model.failureRate.get(testFile) ?? 0;
  return (both + CO_FAILURE_PRIOR_WEIGHT * rate) / (changes + CO_FAILURE_PRIOR_WEIGHT);
}

async function knownCommits(repoDir: string, shas: string[]): Promise<Set<string>> {
  const valid = shas.filter((s) => /^[0-9a-f]{7,64}$/i.test(s));
  if (valid.length === 0) return new Set();
  const out = await git(["cat-file", "--batch-check=%(objectname) %(objecttype)"], {
    cwd: repoDir,
    input: `${valid.join("\n")}\n`,
  });
  const known = new Set<string>();
  out.split("\n").forEach((line, i) => {
    if (line.endsWith(" commit")) known.add(valid[i]!);
  });
  return known;
}
