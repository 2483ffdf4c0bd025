import { readEvent } from "../events/index.js";
import type { Store, TestHistoryRow } from "../store/index.js";
import { byFlakiness, type FlakyTest } from "./flakiness.js";
import { MAX_FLAKY_EVIDENCE } from "./flaky-signs.js";
import { runsFromRows } from "./stored-history.js";

/** Most `tests.outside_change` events read for one flaky list. */
const MAX_OUTSIDE_EVENTS = 5000;

/**
 * Adds DeFlaker's evidence to a project's flaky list: the failures its runs recorded as outside the
 * change (`tests.outside_change`, from a test step whose file's known, current dependencies held no
 * changed file). Only runs present in `rows` count, and only a failure those rows show, so the
 * caller's choice of runs (a protected run's advice reads protected runs only) holds for this
 * evidence too. It adds `outsideChange` and evidence lines; the score and `flaky` stay those of
 * the flaky signs: a failure outside the change is a suspicion, never enough on its own (a first
 * one can be a real break of the environment). A test with no other sign is listed with `flaky: false`.
 */
export async function withOutsideChange(
  store: Store,
  tests: readonly FlakyTest[],
  rows: readonly TestHistoryRow[],
): Promise<FlakyTest[]> {
  const runs = new Map<number, { label: string; failed: Set<string> }>();
  for (const r of rows) {
    let run = runs.get(r.runId);
    if (run === undefined) {
      run = { label: `run ${r.runId} (${r.commitSha.slice(0, 7) || "no commit"}, ${r.branch})`, failed: new Set() };
      runs.set(r.runId, run);
    }
    if (r.status === "failed" || r.status === "error") run.failed.add(r.testId);
  }
  const subjects = [...runs.keys()].map((id) => `run:${id}`);
  const events = await store.events.ofSubjects("tests.outside_change", subjects, MAX_OUTSIDE_EVENTS);
  const found = new Map<string, { count: number; lines: string[] }>();
  for (const raw of events) {
    const read = readEvent(raw);
    if (!("event" in read) || read.event.type !== "tests.outside_change") continue;
    const data = read.event.data;
    const run = runs.get(data.runId);
    if (run === undefined || raw.subject !== `run:${data.runId}`) continue;
    for (const f of data.failures) {
      if (!run.failed.has(f.id)) continue;
      const e = found.get(f.id) ?? { count: 0, lines: [] };
      e.count++;
      e.lines.push(`${run.label}: failed outside the change (${f.why})`);
      if (e.lines.length > MAX_FLAKY_EVIDENCE) e.lines.shift();
      found.set(f.id, e);
    }
  }
  if (found.size === 0) return [...tests];
  const out = tests.map((t) => {
    const e = found.get(t.id);
    return e ? { ...t, outsideChange: e.count, evidence: [...t.evidence, ...e.lines] } : t;
  });
  const listed = new Set(tests.map((t) => t.id));
  const missing = [...found.keys()].filter((id) => !listed.has(id));
  if (missing.length > 0) {
    const counts = new Map(missing.map((id) => [id, { runs: 0, failures: 0 }]));
    for (const { run } of runsFromRows(rows)) {
      for (const [id, r] of run.results) {
        const c = counts.get(id);
        if (c === undefined) continue;
        c.runs++;
        if (r.failed) c.failures++;
      }
    }
    for (const [id, c] of counts) {
      const e = found.get(id)!;
      out.push({ id, score: 0, flaky: false, ...c, mixedRuns: 0, blips: 0, evidence: e.lines, outsideChange: e.count });
    }
  }
  return out.sort(byFlakiness);
}
