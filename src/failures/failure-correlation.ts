/**
 * What changed when a job started failing, and where it failed before (issue 15, item 3). For one
 * failed job of a run it reads the same job's last HISTORY finished runs in the project and gives:
 *  - the failure's signature (`failure-signature.ts`) and the other failures with it, in any
 *    project: the first occurrence and the run that fixed that one (the first success of the same
 *    job on the same branch after it, however long ago);
 *  - the first failing run of the current streak on the run's branch, the last success before it,
 *    and what changed between their commits: files, and dependency versions in lock files;
 *  - the attributes that separate failing from passing runs (`correlate.ts`): branch, event,
 *    agent, its labels, commit author, and the UTC hour block the run finished in.
 * Git facts come from the project's mirror in one `git log` and one `git diff` process; without a
 * mirror (or a commit it lacks) they are left out, never guessed. Everything is read on demand,
 * bounded, and stored nowhere.
 */
import { existsSync } from "node:fs";
import { NotFoundError } from "../common/errors.js";
import { git, mirrorDir } from "../runner/index.js";
import type { JobHistoryEntry, Store } from "../store/index.js";
import { type CorrelationFinding, type CorrelationItem, correlate } from "./correlate.js";
import { type DependencyChange, dependencyChanges, isDependencyFile } from "./dependency-changes.js";
import { failureSignature, type FailureSignature } from "./failure-signature.js";
import { isJobExplanation } from "./stored-explanation.js";

/** Finished runs of the job compared. */
const HISTORY = 200;
/** Failed jobs of one run correlated per request (a large matrix failing at once: the first ones). */
const MAX_JOBS = 20;
/** Changed files listed for the first failure. */
const MAX_CHANGED_FILES = 100;
/** Dependency files read for the first failure. */
const MAX_DEPENDENCY_FILES = 5;

/** A run of the job, as the correlation names it. */
export interface RunRef {
  runId: number;
  runNumber: number;
  commit: string;
  /** ISO 8601. */
  finishedAt: string;
}

/** The first failing run of the current streak and what changed since the last success. */
export interface FirstFailure extends RunRef {
  /** Failing runs in a row on the branch, up to and including this run's. */
  streak: number;
  previousSuccess: RunRef | null;
  /** Files changed between the last success and the first failure (null: no mirror to read). */
  changedFiles: string[] | null;
  dependencyChanges: DependencyChange[];
}

/** The failures with the same signature, in this and other projects. */
export interface SignatureGroup {
  /** Stored explanations with the signature, this one included. */
  occurrences: number;
  first: RunRef & { project: string; job: string };
  /** The run that ended the first occurrence's failure, when one did. */
  fixedBy: RunRef | null;
}

/** Why a failed job fails, across the project's runs. */
export interface JobCorrelation {
  jobId: number;
  key: string;
  name: string;
  signature: FailureSignature;
  compared: { runs: number; failed: number };
  firstFailure: FirstFailure | null;
  findings: CorrelationFinding[];
  sameSignature: SignatureGroup | null;
}

/** What correlation reads: the store and the data dir holding the projects' git mirrors. */
export interface CorrelationDeps {
  store: Store;
  dataDir: string;
}

/** The correlation of each failed job of a run (or of `job`, a key or name). */
export async function correlateRunFailures(
  deps: CorrelationDeps,
  runId: number,
  job?: string,
): Promise<{ runId: number; jobs: JobCorrelation[] }> {
  const { store } = deps;
  const run = await store.runs.get(runId);
  const jobs = await store.jobs.listForRun(run.id);
  if (job && !jobs.some((j) => j.key === job || j.name === job)) throw new NotFoundError("job", job);
  const explanations = new Map((await store.explanations.listForRun(run.id)).map((e) => [e.jobId, e]));
  const out: JobCorrelation[] = [];
  const changes = new Map<string, ReturnType<typeof changesBetween>>(); // one git diff per commit pair
  const failed = jobs.filter((j) => j.status === "failure" && (!job || j.key === job || j.name === job));
  const mirror = mirrorDir(deps.dataDir, run.projectId);
  const repo = existsSync(mirror) ? mirror : undefined;
  const authors = new Map<string, string>(); // commit → author, read once per request
  for (const j of failed.slice(0, MAX_JOBS)) {
    const stored = explanations.get(j.id);
    const explanation = stored && isJobExplanation(stored.explanation) ? stored.explanation : undefined;
    const signature = failureSignature(explanation?.category ?? "unknown", explanation?.lines ?? []);
    const history = await store.jobs.history(run.projectId, j.key, j.id, HISTORY);
    if (repo) await readAuthors(repo, history, authors);
    out.push({
      jobId: j.id,
      key: j.key,
      name: j.name,
      signature,
      compared: { runs: history.length, failed: history.filter((h) => h.status === "failure").length },
      firstFailure: await firstFailure(history, run.branch, repo, changes),
      findings: correlate(attributesOf(history, authors)),
      sameSignature: await signatureGroup(store, signature),
    });
  }
  return { runId: run.id, jobs: out };
}

const refOf = (h: JobHistoryEntry): RunRef => ({
  runId: h.runId,
  runNumber: h.runNumber,
  commit: h.commit,
  finishedAt: new Date(h.finishedAt).toISOString(),
});

/** The streak of failures on `branch` ending at the newest entry, and what changed at its start. */
async function firstFailure(
  history: JobHistoryEntry[],
  branch: string,
  repo: string | undefined,
  cache: Map<string, ReturnType<typeof changesBetween>>,
): Promise<FirstFailure | null> {
  const onBranch = history.filter((h) => h.branch === branch);
  let streak = 0;
  while (streak < onBranch.length && onBranch[streak]!.status === "failure") streak++;
  if (streak === 0) return null;
  const first = onBranch[streak - 1]!;
  const before = onBranch[streak];
  let changes = null;
  if (before && repo) {
    const pair = `${before.commit}..${first.commit}`;
    if (!cache.has(pair)) cache.set(pair, changesBetween(repo, before.commit, first.commit));
    changes = await cache.get(pair)!;
  }
  return {
    ...refOf(first),
    streak,
    previousSuccess: before ? refOf(before) : null,
    changedFiles: changes?.files ?? null,
    dependencyChanges: changes?.dependencies ?? [],
  };
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** Files and dependency versions that differ between two commits of the mirror. */
async function changesBetween(repo: string, from: string, to: string) {
  if (!SHA.test(from) || !SHA.test(to)) return null;
  const diff = await git(["diff", "--name-only", "--no-renames", from, to, "--"], { cwd: repo }).catch(() => null);
  if (diff === null) return null;
  const files = diff.split("\n").filter(Boolean);
  const dependencies: DependencyChange[] = [];
  for (const file of files.filter(isDependencyFile).slice(0, MAX_DEPENDENCY_FILES)) {
    const [before, after] = [await readSmall(repo, from, file), await readSmall(repo, to, file)];
    if (before === undefined || after === undefined) continue; // too large to read: named in `files` only
    dependencies.push(...dependencyChanges(file, before, after));
  }
  return { files: files.slice(0, MAX_CHANGED_FILES), dependencies };
}

/** Largest dependency file read (a branch's lock file is untrusted: it may be made huge). */
const MAX_DEPENDENCY_FILE_BYTES = 2 * 1024 * 1024;

/** A file's text at a commit; null when the commit lacks it, undefined when it is over the size bound. */
async function readSmall(repo: string, commit: string, file: string): Promise<string | null | undefined> {
  const size = await git(["cat-file", "-s", `${commit}:${file}`], { cwd: repo }).catch(() => undefined);
  if (size === undefined) return null; // not in that commit
  if (Number(size.trim()) > MAX_DEPENDENCY_FILE_BYTES) return undefined;
  return git(["show", `${commit}:${file}`], { cwd: repo }).catch(() => null);
}

/** The attributes of each run: its facts, its agent and the agent's labels, its commit's author and its UTC hour block. */
function attributesOf(history: JobHistoryEntry[], authors: ReadonlyMap<string, string>): CorrelationItem[] {
  return history.map((h) => {
    const hour = new Date(h.finishedAt).getUTCHours();
    const block = Math.floor(hour / 6) * 6;
    const attributes: Record<string, string> = {
      branch: h.branch,
      event: h.event,
      agent: h.agent ?? "the server",
      ...(h.agentLabels.length > 0 ? { "runner labels": h.agentLabels.join(",") } : {}),
      "hours (UTC)": `${String(block).padStart(2, "0")}–${String(block + 6).padStart(2, "0")}`,
    };
    const author = authors.get(h.commit);
    if (author) attributes.author = author;
    return { failed: h.status === "failure", attributes };
  });
}

/** Adds the authors of the history's commits not in `authors` yet, as the mirror has them (one git process). */
async function readAuthors(repo: string, history: JobHistoryEntry[], authors: Map<string, string>): Promise<void> {
  const shas = [...new Set(history.map((h) => h.commit))].filter((c) => SHA.test(c) && !authors.has(c));
  if (shas.length === 0) return;
  const out = await git(["log", "--no-walk=unsorted", "--format=%H%x09%aN", ...shas, "--"], { cwd: repo }).catch(
    () => "",
  );
  for (const line of out.split("\n")) {
    const [sha, name] = line.split("\t");
    if (sha && name) authors.set(sha, name);
  }
}

/** The failures with `signature` in any project: how many, the first, and what fixed it. */
async function signatureGroup(store: Store, signature: FailureSignature): Promise<SignatureGroup | null> {
  if (signature.template === "") return null;
  const { count, oldest } = await store.explanations.withSignature(signature.key, 1);
  const earliest = oldest[0];
  if (count < 2 || !earliest) return null;
  const job = await store.jobs.get(earliest.jobId);
  const run = await store.runs.get(job.runId);
  const project = await store.projects.get(run.projectId);
  const fix = await store.jobs.firstSuccessAfter(run.projectId, job.key, run.branch, job.id);
  return {
    occurrences: count,
    first: {
      runId: run.id,
      runNumber: run.number,
      commit: run.commit,
      finishedAt: new Date(job.finishedAt ?? earliest.createdAt).toISOString(),
      project: project.name,
      job: job.key,
    },
    fixedBy: fix ? refOf(fix) : null,
  };
}
