import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { isAbsolute, join, posix } from "node:path";
import { ValidationError } from "../../common/errors.js";
import { escapeRegExp } from "../../common/escape-regexp.js";
import type { Store } from "../../store/index.js";
import { buildImportGraph, dependentsOf, isScannable } from "../deps/import-graph.js";
import { readBounded } from "../deps/read-bounded.js";
import type { SelectionDecision, SelectionRequest, TestSelection, TestSelector } from "../selection.js";
import { changedFilesWithStatus } from "./changed-files.js";
import { checkDeadline } from "./deadline.js";
import { type ChangeEvidence, decide, type ScopedConfigChange } from "./decide.js";
import { fullRunTrigger, isInert, isOtherToolFile, isRepoWide } from "./full-run-files.js";
import { historySignals } from "./history-signals.js";
import { storedMaps } from "./stored-maps.js";
import { TestFileIndex } from "./test-file-of.js";
import { isTestFileName, listCommitFiles, listRepoFiles, MAX_REPO_FILES } from "./test-files.js";

/** Most test files in one request. */
export const MAX_TEST_FILES = 50_000;
/** Most changed files no import or coverage reaches that are looked for by name in the tests; past it everything runs. */
export const MAX_UNREACHED_CHANGES = 200;
/** Test files decided between two turns of the event loop. */
const DECISIONS_PER_TURN = 1024;
/** Largest test file searched for the name of a changed file no import reaches. */
const MAX_MENTION_BYTES = 1024 * 1024;

/**
 * The change-based selector: diffs the request's base and commit with git, and decides for
 * every test file from the static import graph of the checkout and, with a store, the project's
 * recorded coverage maps and test history (failure probability, recent failures, co-failure).
 * A changed manifest, lock file or build/test configuration, or no base, runs everything; so
 * does a changed file that no import, no recorded coverage and no test's text reaches (a
 * snapshot, a template, a setup file): what it affects is unknown. A decision's `outsideChange`
 * (DeFlaker) is never set in a full run, nor for an empty change or one of documentation only.
 * `prioritize` returns every file ordered by probability; `select` only the selected ones.
 * With a `deadline`, every git call ends by it and the work stops there (SelectionDeadlineError).
 */
export class ChangeTestSelector implements TestSelector {
  constructor(private readonly store?: Store) {}

  /** Decides for every test file of the request; see the class comment. */
  async select(request: SelectionRequest): Promise<TestSelection> {
    const testFiles = checkedTestFiles(request);
    if (request.mode === "all") {
      return {
        run: [...testFiles],
        decisions: testFiles.map((file) => ({
          file,
          selected: true,
          reason: "mode-all",
          detail: "selection mode 'all' runs every test file",
        })),
      };
    }
    const { deadline } = request;
    const judged = await this.#fullRunReason(request);
    const changed = typeof judged === "string" ? new Map<string, string>() : judged.changed;
    const gitRepo = request.gitDir ?? request.repoDir;
    const files = new Set(
      request.gitDir
        ? await listCommitFiles(request.gitDir, request.commit, deadline)
        : await listRepoFiles(request.repoDir, deadline),
    );
    const listedAll = files.size < MAX_REPO_FILES;
    // a deleted file still resolves: an import of it is an edge to the change
    for (const [path, status] of changed) if (status === "D") files.add(path);
    const graph = await buildImportGraph(request.repoDir, files, testFiles);
    checkDeadline(deadline);
    const project = this.store ? await this.store.projects.findByName(request.project) : undefined;
    // an empty change (a cron or manual run at the last green commit, a re-run) or one of documentation
    // only can break no test: a failure then is rot or the environment, never "outside the change"
    const substantive = [...changed.keys()].some((c) => !isInert(c));
    const evidence: ChangeEvidence = {
      changed,
      graph,
      chains: dependentsOf(graph, changed.keys()),
      // only a change that is not documentation can hide behind an unscanned file
      blind: substantive ? dependentsOf(graph, graph.unscanned) : new Map(),
      mentioned: new Map(),
      scopedConfig: typeof judged === "string" ? [] : judged.scoped,
    };
    if (this.store && project) {
      evidence.stored = await storedMaps(this.store, project.id, gitRepo, request.commit, deadline);
      const index = new TestFileIndex(testFiles);
      evidence.history = await historySignals(this.store, project.id, gitRepo, index, deadline);
    }
    checkDeadline(deadline);
    let fullRun = typeof judged === "string" ? judged : undefined;
    if (fullRun === undefined && !listedAll) {
      fullRun = `the checkout has more than ${MAX_REPO_FILES} files, not all of them judged: every test runs`;
    }
    if (fullRun === undefined) {
      const unreached = unreachedChanges(evidence, new Set(testFiles));
      if (unreached.length > MAX_UNREACHED_CHANGES) {
        fullRun = `${unreached.length} changed files no import or recorded coverage reaches (over ${MAX_UNREACHED_CHANGES}): every test runs`;
      } else {
        // another tool's file (a .pre-commit-config.yaml) runs nothing by itself, but a test naming it runs
        const tools = [...changed.keys()].filter(isOtherToolFile).slice(0, MAX_UNREACHED_CHANGES);
        const names = [...unreached, ...tools];
        evidence.mentioned = await mentions(request.repoDir, testFiles, names, changed, deadline);
        const named = new Set(evidence.mentioned.values());
        const lone = unreached.find((f) => !named.has(f));
        if (lone !== undefined) {
          fullRun = `${lone} changed and no import, recorded coverage or test text reaches it: every test runs`;
        }
      }
    }
    const decisions: SelectionDecision[] = [];
    for (const [i, file] of testFiles.entries()) {
      if (i > 0 && i % DECISIONS_PER_TURN === 0) {
        await yieldToEventLoop();
        checkDeadline(deadline);
      }
      const d = decide(file, evidence);
      if (fullRun === undefined) decisions.push(substantive ? d : withoutSignal(d));
      else {
        // a full run's change (a lock file, a file nothing accounts for) may reach any test: no file is outside it
        decisions.push({ ...withoutSignal(d), selected: true, reason: "full-run", detail: fullRun });
      }
    }
    const ordered = [...decisions].sort(byProbability);
    const run = (request.mode === "select" ? ordered.filter((d) => d.selected) : ordered).map((d) => d.file);
    return { run, decisions, ...(fullRun !== undefined ? { fullRunReason: fullRun } : {}) };
  }

  /** Why everything runs (a string), or the changed files when the change can be judged. */
  async #fullRunReason(
    request: SelectionRequest,
  ): Promise<string | { changed: Map<string, string>; scoped: ScopedConfigChange[] }> {
    if (request.baseCommit === undefined) return "no base commit to compare with: every test runs";
    let changes: Awaited<ReturnType<typeof changedFilesWithStatus>>;
    try {
      const repo = request.gitDir ?? request.repoDir;
      changes = await changedFilesWithStatus(repo, request.baseCommit, request.commit, request.deadline);
    } catch (err) {
      checkDeadline(request.deadline); // out of time is not a reason to run everything: the work ends
      return `cannot diff ${request.baseCommit.slice(0, 12)}..${request.commit.slice(0, 12)} (${(err as Error).message.split("\n")[0]}): every test runs`;
    }
    if (changes === undefined) return "the change touches too many files to judge: every test runs";
    const scoped: ScopedConfigChange[] = [];
    for (const c of changes) {
      const why = fullRunTrigger(c.path);
      if (why === undefined) continue;
      // a manifest or config of a sub-project (website/yarn.lock) concerns the tests under it only
      if (isRepoWide(c.path)) return why;
      const dir = posix.dirname(c.path);
      scoped.push({ dir, why: why.replace(": every test runs", `: every test under ${dir}/ runs`) });
    }
    return { changed: new Map(changes.map((c) => [c.path, c.status])), scoped };
  }
}

/** A decision without DeFlaker's `outsideChange` (a change that says nothing about which tests it reaches). */
function withoutSignal(d: SelectionDecision): SelectionDecision {
  const { outsideChange: _, ...rest } = d;
  return rest;
}

/** Highest probability first, then by path (a stable order for equal chances). */
function byProbability(a: SelectionDecision, b: SelectionDecision): number {
  return (b.probability ?? 0) - (a.probability ?? 0) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
}

/** The request's test files, deduplicated, after checking every input that reaches git or the filesystem. */
function checkedTestFiles(request: SelectionRequest): string[] {
  if (!isAbsolute(request.repoDir))
    throw new ValidationError(`repoDir must be an absolute path, got '${request.repoDir}'`);
  for (const rev of [request.commit, request.baseCommit]) {
    if (rev !== undefined && !/^[^-\s][^\s]{0,255}$/.test(rev)) {
      throw new ValidationError(
        `'${rev.slice(0, 80)}' is not a commit: a revision may not start with '-' or contain blanks`,
      );
    }
  }
  if (request.testFiles.length > MAX_TEST_FILES) {
    throw new ValidationError(`${request.testFiles.length} test files requested, over the limit of ${MAX_TEST_FILES}`);
  }
  const seen = new Set<string>();
  for (const f of request.testFiles) {
    const norm = posix.normalize(f);
    if (f === "" || /[\0\n\r]/.test(f) || norm !== f || f.startsWith("../") || f.startsWith("/")) {
      throw new ValidationError(`test file '${f.slice(0, 200)}' is not a normalised path inside the repository`);
    }
    seen.add(f);
  }
  return [...seen];
}

/**
 * The changed files nothing in the evidence accounts for: not documentation, not a test file,
 * not a configuration already judged, and reached by no static import and no recorded coverage
 * (a snapshot, a fixture, a template read at run time, a setup file, an aliased module). A
 * deleted test file is not one: no other test can load it any more.
 */
function unreachedChanges(ev: ChangeEvidence, testFiles: ReadonlySet<string>): string[] {
  const reached = new Set<string>();
  for (const s of ev.stored?.values() ?? []) for (const f of s.files) reached.add(f);
  for (const deps of ev.graph.imports.values()) for (const d of deps) reached.add(d);
  return [...ev.changed].flatMap(([path, status]) =>
    isInert(path) ||
    reached.has(path) ||
    testFiles.has(path) ||
    fullRunTrigger(path) !== undefined ||
    (status === "D" && isTestFileName(path))
      ? []
      : [path],
  );
}

/**
 * Test files whose text names one of the `unreached` changed files (a fixture, a data file read
 * at run time, another tool's file): the name is matched without directories, all names in one
 * pass over each text; stops with a SelectionDeadlineError at `deadline`.
 */
async function mentions(
  repoDir: string,
  testFiles: string[],
  unreached: string[],
  changed: ReadonlyMap<string, string>,
  deadline: number | undefined,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (unreached.length === 0) return found;
  // a source file is named without its extension (imports often omit it), anything else in full
  const pathOf = new Map<string, string>();
  for (const path of unreached) {
    const name = posix.basename(path);
    const needle = isScannable(path) ? name.replace(/\.[^.]+$/, "") : name;
    if (!pathOf.has(needle)) pathOf.set(needle, path);
  }
  const anyName = new RegExp([...pathOf.keys()].map(escapeRegExp).join("|"));
  for (const [i, t] of testFiles.entries()) {
    if (i > 0 && i % 64 === 0) {
      await yieldToEventLoop();
      checkDeadline(deadline);
    }
    if (changed.has(t)) continue;
    const text = readBounded(join(repoDir, t), MAX_MENTION_BYTES);
    const hit = text === undefined ? null : anyName.exec(text);
    if (hit) found.set(t, pathOf.get(hit[0])!);
  }
  return found;
}
