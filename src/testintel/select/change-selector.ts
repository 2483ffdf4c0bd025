import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { isAbsolute, join, posix } from "node:path";
import { ValidationError } from "../../common/errors.js";
import type { Store } from "../../store/index.js";
import { buildImportGraph, dependentsOf, isScannable } from "../deps/import-graph.js";
import { readBounded } from "../deps/read-bounded.js";
import type { SelectionDecision, SelectionRequest, TestSelection, TestSelector } from "../selection.js";
import { changedFilesWithStatus } from "./changed-files.js";
import { type ChangeEvidence, decide, type ScopedConfigChange } from "./decide.js";
import { fullRunTrigger, isInert, isRepoWide } from "./full-run-files.js";
import { historySignals } from "./history-signals.js";
import { storedMaps } from "./stored-maps.js";
import { TestFileIndex } from "./test-file-of.js";
import { listRepoFiles } from "./test-files.js";

/** Most test files in one request. */
export const MAX_TEST_FILES = 50_000;
/** Largest test file searched for the name of a changed file no import reaches. */
const MAX_MENTION_BYTES = 1024 * 1024;

/**
 * The change-based selector: diffs the request's base and commit with git, and decides for
 * every test file from the static import graph of the checkout and, with a store, the project's
 * recorded coverage maps and test history (failure probability, recent failures, co-failure).
 * A changed manifest, lock file or build/test configuration, or no base, runs everything.
 * `prioritize` returns every file ordered by probability; `select` only the selected ones.
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
    const fullRun = await this.#fullRunReason(request);
    const changed = typeof fullRun === "string" ? new Map<string, string>() : fullRun.changed;
    const files = new Set(await listRepoFiles(request.repoDir));
    const graph = await buildImportGraph(request.repoDir, files, testFiles);
    const project = this.store ? await this.store.projects.findByName(request.project) : undefined;
    const evidence: ChangeEvidence = {
      changed,
      graph,
      chains: dependentsOf(graph, changed.keys()),
      mentioned: new Map(),
      scopedConfig: typeof fullRun === "string" ? [] : fullRun.scoped,
    };
    if (this.store && project) {
      evidence.stored = await storedMaps(this.store, project.id, request.repoDir, request.commit);
      evidence.history = await historySignals(this.store, project.id, request.repoDir, new TestFileIndex(testFiles));
    }
    if (typeof fullRun !== "string") evidence.mentioned = await mentions(request.repoDir, testFiles, evidence);
    const decisions =
      typeof fullRun === "string"
        ? testFiles.map((file) => ({ ...decide(file, evidence), selected: true, reason: "full-run", detail: fullRun }))
        : testFiles.map((file) => decide(file, evidence));
    const ordered = [...decisions].sort(byProbability);
    const run = (request.mode === "select" ? ordered.filter((d) => d.selected) : ordered).map((d) => d.file);
    return { run, decisions, ...(typeof fullRun === "string" ? { fullRunReason: fullRun } : {}) };
  }

  /** Why everything runs (a string), or the changed files when the change can be judged. */
  async #fullRunReason(
    request: SelectionRequest,
  ): Promise<string | { changed: Map<string, string>; scoped: ScopedConfigChange[] }> {
    if (request.baseCommit === undefined) return "no base commit to compare with: every test runs";
    let changes: Awaited<ReturnType<typeof changedFilesWithStatus>>;
    try {
      changes = await changedFilesWithStatus(request.repoDir, request.baseCommit, request.commit);
    } catch (err) {
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
 * Test files whose text names a changed file that no import and no recorded coverage reaches
 * (a fixture, a data file read at run time): the name is matched without directories.
 */
async function mentions(repoDir: string, testFiles: string[], ev: ChangeEvidence): Promise<Map<string, string>> {
  const reached = new Set<string>();
  for (const s of ev.stored?.values() ?? []) for (const f of s.files) reached.add(f);
  for (const deps of ev.graph.imports.values()) for (const d of deps) reached.add(d);
  const orphans = [...ev.changed.keys()].filter((c) => !isInert(c) && !reached.has(c));
  const found = new Map<string, string>();
  if (orphans.length === 0) return found;
  // a source file is named without its extension (imports often omit it), anything else in full
  const names = orphans.map((o) => {
    const name = posix.basename(o);
    return { path: o, needle: isScannable(o) ? name.replace(/\.[^.]+$/, "") : name };
  });
  for (const [i, t] of testFiles.entries()) {
    if (i > 0 && i % 64 === 0) await yieldToEventLoop();
    if (ev.changed.has(t)) continue;
    const text = readBounded(join(repoDir, t), MAX_MENTION_BYTES);
    const hit = text === undefined ? undefined : names.find((n) => text.includes(n.needle));
    if (hit) found.set(t, hit.path);
  }
  return found;
}
