import type { SelectionDecision } from "../selection.js";
import type { ImportGraph } from "../deps/import-graph.js";
import { isScannable } from "../deps/import-graph.js";
import { explainCoFailure, strongestCoFailure } from "./co-failure.js";
import type { HistorySignals } from "./history-signals.js";
import type { StoredDeps } from "./stored-maps.js";

/** Failure probability assumed for a test file with no history. */
export const UNKNOWN_PROBABILITY = 0.05;

/** A manifest, lock file or configuration of a sub-project changed: every test under `dir` runs. */
export interface ScopedConfigChange {
  dir: string;
  why: string;
}

/** Everything known about one change, gathered once and consulted for every test file. */
export interface ChangeEvidence {
  /** Changed path → git status letter (A, M, D, T). */
  changed: ReadonlyMap<string, string>;
  graph: ImportGraph;
  /** For each file affected through static imports: the chain from it to the changed file. */
  chains: ReadonlyMap<string, string[]>;
  /**
   * For each file reaching a file of `graph.unscanned` through static imports: the chain to it.
   * What lies behind an unscanned file is unknown, so such a test runs on any change that is not
   * documentation (the selector leaves this empty for a change of documentation only).
   */
  blind: ReadonlyMap<string, string[]>;
  /** Recorded dependencies per test file (with a project). */
  stored?: ReadonlyMap<string, StoredDeps>;
  history?: HistorySignals;
  /** Test file → a changed file no import reaches but whose name its text mentions (fixtures, data). */
  mentioned: ReadonlyMap<string, string>;
  /** Sub-project manifests and configurations the change touched. */
  scopedConfig: readonly ScopedConfigChange[];
}

/**
 * The decision for one test file, first rule that applies: the test file is new or changed; a
 * manifest or configuration of the sub-project it is in changed; a file it imports (statically,
 * transitively) or exercised (recorded coverage, V8 or coverage.py alike) changed; it reaches a
 * file whose imports were not read; its dependencies are unknown or stale; it failed recently; it
 * co-failed with a changed file in the history; its text names a changed file nothing imports. Otherwise it is unaffected.
 * `probability` combines the history's prediction with the strength of the evidence. `outsideChange`
 * is set on an unaffected file only: its known, current dependencies hold none of the changed files
 * and nothing else ties it to the change (a recent failure, a co-failure with a changed file, its
 * text naming one), so a failure of it is suspect (DeFlaker).
 */
export function decide(file: string, ev: ChangeEvidence): SelectionDecision {
  const prior = ev.history?.probability.get(file) ?? UNKNOWN_PROBABILITY;
  const pick = (reason: string, detail: string, strength: number): SelectionDecision => ({
    file,
    selected: true,
    reason,
    detail,
    probability: 1 - (1 - prior) * (1 - strength),
  });
  const status = ev.changed.get(file);
  if (status === "A") return pick("new-test", "new test file in this change", 0.5);
  if (status !== undefined) return pick("test-changed", "the test file itself changed in this change", 0.5);
  const config = ev.scopedConfig.find((c) => file.startsWith(`${c.dir}/`));
  if (config !== undefined) return pick("config-changed", config.why, 0.2);

  const stored = ev.stored?.get(file);
  const fresh = stored !== undefined && !stored.stale ? stored : undefined;
  const hit = fresh && firstShared(ev.changed, fresh.files);
  const chain = ev.chains.get(file);
  if (chain !== undefined && chain.length > 1)
    return pick("dependency-changed", importDetail(chain), chainStrength(chain));
  if (hit !== undefined)
    return pick(
      "dependency-changed",
      `exercised ${hit} (changed) in the coverage recorded at ${recorded(fresh!)}`,
      0.3,
    );
  const blind = ev.blind.get(file);
  if (blind !== undefined) {
    const via = blind.length > 1 ? `imports ${blind.slice(1).join(" → ")}, whose` : "its";
    return pick("no-dependency-data", `${via} imports were not read (a limit, a link or a component file)`, 0.1);
  }
  const graphKnows = isScannable(file) && ev.graph.imports.has(file);
  if (stored?.stale) {
    return pick(
      "stale-dependencies",
      `its recorded coverage (${recorded(stored)}) is older than the change can be judged by`,
      0.1,
    );
  }
  if (stored === undefined && !graphKnows) {
    return pick(
      "no-dependency-data",
      "no recorded coverage and no import graph for this file: it runs until it has some",
      0.1,
    );
  }
  // history tying the file to the change (it fails with these files) or to a breakage still open is
  // no sign that a failure is outside the change: only an unaffected file gets the signal
  const failedIn = ev.history?.failedRecently.get(file);
  if (failedIn !== undefined) return pick("failed-recently", `failed in ${failedIn}`, 0);
  const h = ev.history;
  const coFailure =
    h && strongestCoFailure(h.coFailure, changedIn(ev.changed, h.coFailure.together), file, h.coFailureSettings);
  if (coFailure !== undefined) {
    const detail = explainCoFailure(coFailure, h!.coFailure.commits, h!.coFailureSettings, h!.coFailureSource);
    return pick("co-failure", detail, coFailure.p);
  }
  const named = ev.mentioned.get(file);
  if (named !== undefined)
    return pick("mentions-changed-file", `names ${named} (changed), which no import reaches`, 0.2);
  // from here on the file's known, current dependencies hold no changed file (DeFlaker's "outside the change")
  const known = new Set([...(ev.graph.imports.get(file) ?? []), ...(stored?.files ?? [])]).size;
  const sources = [graphKnows ? "import graph" : "", stored ? `coverage recorded at ${recorded(stored)}` : ""].filter(
    Boolean,
  );
  const untouched = `none of its ${known} known direct or recorded dependencies changed (${sources.join(", ")})`;
  return {
    file,
    selected: false,
    reason: "unaffected",
    detail: untouched,
    probability: prior * 0.2,
    outsideChange: untouched,
  };
}

/** `imports src/math.ts (changed) through src/util.ts` for an import chain (the test first, the changed file last). */
function importDetail(chain: readonly string[]): string {
  const via = chain.length > 2 ? ` through ${chain.slice(1, -1).join(" → ")}` : "";
  return `imports ${chain.at(-1)} (changed)${via}`;
}

/** How strongly a changed file this many imports away predicts a failure. */
function chainStrength(chain: readonly string[]): number {
  return 0.3 * 0.85 ** (chain.length - 2);
}

function recorded(s: StoredDeps): string {
  const age =
    s.age === undefined ? "a commit not in this repository" : `${s.age} commit${s.age === 1 ? "" : "s"} before`;
  return `${s.commit.slice(0, 10)}, ${age}`;
}

/** The changed files that co-failed with some test file in the history (the smaller collection walked). */
function* changedIn(changed: ReadonlyMap<string, string>, together: ReadonlyMap<string, unknown>): Iterable<string> {
  for (const f of smaller(changed, together)) if (changed.has(f) && together.has(f)) yield f;
}

/** The first changed file that `files` holds: the smaller collection is walked, the larger looked up. */
function firstShared(changed: ReadonlyMap<string, string>, files: ReadonlySet<string>): string | undefined {
  for (const f of smaller(changed, files)) if (changed.has(f) && files.has(f)) return f;
  return undefined;
}

/** The keys of the smaller of two collections, so a test × change intersection costs the lesser of the two. */
function smaller(
  a: ReadonlyMap<string, unknown>,
  b: ReadonlyMap<string, unknown> | ReadonlySet<string>,
): Iterable<string> {
  return a.size <= b.size ? a.keys() : b.keys();
}
