import { git } from "../../runner/index.js";
import type { RunTrust } from "../../store/index.js";
import { type CoFailureSettings, describeCoFailureSettings, SHIPPED_CO_FAILURE } from "./co-failure-settings.js";
import { gitTimeLeft } from "./deadline.js";

/** One past commit of the project's history: the test files that failed on it. */
export interface FailureCommit {
  sha: string;
  failedFiles: ReadonlySet<string>;
}

/** One commit as co-failure counts it: the files it changed and the test files that failed on it. */
export interface CoFailureCommit {
  files: readonly string[];
  failedFiles: ReadonlySet<string>;
}

/** Historical co-failure between files a commit changed and test files that failed on it. */
export interface CoFailureModel {
  /** Changed file → test file → commits where the file changed and the test file failed. */
  together: Map<string, Map<string, number>>;
  /** File → commits of the history that changed it. */
  changes: Map<string, number>;
  /** Test file → commits of the history on which it failed. */
  failures: Map<string, number>;
  /** Commits counted. */
  commits: number;
}

/**
 * The runs whose outcomes co-failure counts and its model trains and is judged on: pushed runs of
 * protected branches only (runner/trust.ts). A commit with no failures lowers a changed file's
 * co-failure chance, so a pull request or an unprotected branch could otherwise make a protected
 * run's selection skip tests; the flaky evidence of a protected run is restricted the same way.
 * Test durations ("slowest", a selection's expected and saved time) are read from these runs too:
 * a pull request's report could claim any time.
 */
export const CO_FAILURE_TRUSTS: readonly RunTrust[] = ["protected"];

/** Commits touching more files than this say nothing about any one of them (merges, mass renames). */
export const MAX_FILES_PER_COMMIT = 200;

/** A model that has counted nothing. */
export function emptyCoFailure(): CoFailureModel {
  return { together: new Map(), changes: new Map(), failures: new Map(), commits: 0 };
}

/** Counts `commit` into `model` (`sign` 1) or out of it again (−1, a commit leaving a sliding window). */
export function countCommit(model: CoFailureModel, commit: CoFailureCommit, sign: 1 | -1): void {
  model.commits += sign;
  for (const t of commit.failedFiles) bump(model.failures, t, sign);
  if (commit.files.length > MAX_FILES_PER_COMMIT) return;
  for (const f of commit.files) {
    bump(model.changes, f, sign);
    if (commit.failedFiles.size === 0) continue;
    const row = model.together.get(f) ?? new Map<string, number>();
    for (const t of commit.failedFiles) bump(row, t, sign);
    if (row.size === 0) model.together.delete(f);
    else model.together.set(f, row);
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
}

/**
 * Learns which changed files go with which failing test files from the project's newest
 * `settings.commits` commits: one `git log --no-walk --name-only` over those the repository
 * knows, each commit's changed files against its first parent. git ends by `deadline` (epoch ms).
 */
export async function learnCoFailure(
  repoDir: string,
  history: readonly FailureCommit[],
  settings: CoFailureSettings = SHIPPED_CO_FAILURE,
  deadline?: number,
): Promise<CoFailureModel> {
  const model = emptyCoFailure();
  const recent = history.slice(-settings.commits);
  const known = await knownCommits(
    repoDir,
    recent.map((c) => c.sha),
    deadline,
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
    { cwd: repoDir, ...gitTimeLeft(deadline) },
  );
  const filesOf = new Map<string, string[]>();
  for (const block of out.split("\x01").slice(1)) {
    const [sha, ...rest] = block.split(/\n|\0/).filter((s) => s !== "");
    if (sha !== undefined && !filesOf.has(sha)) filesOf.set(sha, rest);
  }
  for (const c of usable) countCommit(model, { files: filesOf.get(c.sha) ?? [], failedFiles: c.failedFiles }, 1);
  return model;
}

/**
 * Chance that `testFile` fails when `changed` changes: the commits where both happened over
 * those that changed the file, shrunk by `priorWeight` pseudo-commits towards the test file's
 * overall failure rate (one coincidence on a file changed once is weak evidence).
 */
export function coFailureProbability(
  model: CoFailureModel,
  changed: string,
  testFile: string,
  priorWeight: number,
): number {
  const both = model.together.get(changed)?.get(testFile) ?? 0;
  const changes = model.changes.get(changed) ?? 0;
  const rate = model.commits === 0 ? 0 : (model.failures.get(testFile) ?? 0) / model.commits;
  return (both + priorWeight * rate) / (changes + priorWeight);
}

/** The evidence of one changed file for one test file: its estimate and the commits behind it. */
export interface CoFailureHit {
  /** The changed file. */
  file: string;
  p: number;
  /** Commits on which the file changed and the test file failed. */
  both: number;
  /** Commits that changed the file. */
  changes: number;
}

/**
 * The changed file whose co-failure with `testFile` is strongest among those that select it under
 * `settings` (at least `minSupport` co-failures and p ≥ `threshold`), or undefined.
 */
export function strongestCoFailure(
  model: CoFailureModel,
  changed: Iterable<string>,
  testFile: string,
  settings: CoFailureSettings,
): CoFailureHit | undefined {
  let best: CoFailureHit | undefined;
  for (const file of changed) {
    const both = model.together.get(file)?.get(testFile) ?? 0;
    if (both === 0 || both < settings.minSupport) continue;
    const p = coFailureProbability(model, file, testFile, settings.priorWeight);
    if (p >= settings.threshold && (best === undefined || p > best.p)) {
      best = { file, p, both, changes: model.changes.get(file) ?? 0 };
    }
  }
  return best;
}

/**
 * Why a test file was selected by co-failure, e.g. `failed with changes to src/a.ts before (p =
 * 0.70 from 120 commits of history: failed on 3 of the 4 commits that changed it; test-cofailure
 * v2: last 100 commits, prior 2, p ≥ 0.15, support 2)`; `source` names the settings' version.
 */
export function explainCoFailure(hit: CoFailureHit, commits: number, settings: CoFailureSettings, source: string) {
  return `failed with changes to ${hit.file} before (p = ${hit.p.toFixed(2)} from ${commits} commits of history: failed on ${hit.both} of the ${hit.changes} commits that changed it; ${source}: ${describeCoFailureSettings(settings)})`;
}

async function knownCommits(repoDir: string, shas: string[], deadline: number | undefined): Promise<Set<string>> {
  const valid = shas.filter((s) => /^[0-9a-f]{7,64}$/i.test(s));
  if (valid.length === 0) return new Set();
  const out = await git(["cat-file", "--batch-check=%(objectname) %(objecttype)"], {
    cwd: repoDir,
    input: `${valid.join("\n")}\n`,
    ...gitTimeLeft(deadline),
  });
  const known = new Set<string>();
  out.split("\n").forEach((line, i) => {
    if (line.endsWith(" commit")) known.add(valid[i]!);
  });
  return known;
}
