/**
 * Server-side failure analysis of one failed job attempt: the log-only explanation of its stored
 * log, re-ranked with what the server knows — the job's failed JUnit test cases (a line naming a
 * failed test or quoting its message gets +3, the weight of a specific diagnosis) and novelty
 * against the same job's recent successful runs (a line whose log-miner template never occurs in
 * their logs gets +1; a line whose template does gets its distance to the nearest line they
 * printed, `line-novelty.ts`, when that is at least 0.2) — and classified, the engine's own timeout or SIGKILL deciding before the text,
 * and failed tests that are all flaky by their history, or a pass of the same job on the same
 * commit, making it `flaky` (flaky-fact.ts).
 */
import { LogMiner } from "../detect/index.js";
import { classifyLines } from "./classify.js";
import { cleanLine } from "./clean-line.js";
import { explainLogText, MAX_EXPLAINED_LINES, MAX_RERANK_POOL } from "./explain-log.js";
import { type FlakyFailedTest, withFlakyTests, withSameCommitPass } from "./flaky-fact.js";
import type { ExplainedLine, LineEvidence, LogExplanation } from "./explanation.js";
import { LineNoveltyIndex } from "./line-novelty.js";

/** A failed test case of the job, from its JUnit reports. */
export interface FailedTest {
  name: string;
  message?: string;
}

/** What the server knows about a failed job besides its log. */
export interface JobFacts {
  /** The job's failure reason as the engine recorded it (`job timed out …`, `killed by SIGKILL`). */
  reason: string | null;
  failedTests: FailedTest[];
  /** Logs of the same job's recent successful runs, each with its run id. */
  successes: { runId: number; lines: string[] }[];
  /** A run in which the same job passed on the same commit, if any (then the failure is flaky). */
  passedOnSameCommit?: number;
  /** Ids (`classname.name`) of the job's failed tests, and those test intelligence calls flaky. */
  flakyTests?: { failed: string[]; flaky: FlakyFailedTest[] };
}

/** An explanation of a job attempt with what it was compared with. */
export interface JobExplanation extends LogExplanation {
  /** The successful runs of the same job whose logs the novelty was measured against. */
  comparedRuns: number[];
  /** Failed test cases of the job that were matched against the lines. */
  failedTests: string[];
}

const JUNIT_BONUS = 3;
const NOVELTY_BONUS = 1;
/** Below this nearest-neighbour distance a line whose template the green runs share is not news. */
const MIN_LINE_DISTANCE = 0.2;
/** Lines of each successful log mined for novelty (the tail holds what failures differ in). */
const MAX_SUCCESS_LINES = 20_000;

/** Explains a failed job's log (its lines in order) with the job's facts. */
export async function explainJob(lines: readonly string[], facts: JobFacts): Promise<JobExplanation> {
  // With history, rank a wider pool: a line the log-only ranking left out can come back by being novel.
  const pool = facts.successes.length > 0 ? MAX_RERANK_POOL : MAX_EXPLAINED_LINES;
  const base = await explainLogText(lines.join("\n"), "job log", { limit: pool, pool: true });
  const novel = noveltyCheck(facts.successes);
  const needles = testNeedles(facts.failedTests);
  const ranked: ExplainedLine[] = base.lines.map((l) => {
    const evidence = { ...l.evidence };
    let score = l.score;
    const test = needles.find((n) => l.text.includes(n.needle));
    if (test) {
      evidence.junit = { score: JUNIT_BONUS, test: test.test };
      evidence.signals = [...evidence.signals, "junit-failure"];
      score += JUNIT_BONUS;
    }
    const novelty = novel?.(l.text);
    if (novelty) {
      evidence.novelty = novelty;
      score += novelty.score;
    }
    return { ...l, score: Math.round(score * 1000) / 1000, evidence };
  });
  ranked.sort((a, b) => b.score - a.score || b.line - a.line);
  ranked.splice(MAX_EXPLAINED_LINES);
  const fact = factCategory(facts.reason);
  const text = fact ?? classifyLines(ranked);
  const history = facts.flakyTests ? withFlakyTests(text, facts.flakyTests.failed, facts.flakyTests.flaky) : text;
  const classification = facts.passedOnSameCommit ? withSameCommitPass(history, facts.passedOnSameCommit) : history;
  return {
    ...base,
    ...classification,
    lines: ranked,
    comparedRuns: facts.successes.map((s) => s.runId),
    failedTests: facts.failedTests.map((t) => t.name),
  };
}

/**
 * The class the engine's own facts decide: its timeout (certain), or a SIGKILL (exit code 137 in
 * the sandbox), which is what the kernel's OOM killer sends — but a person or a runner may have
 * sent it too, hence confidence 0.5.
 */
function factCategory(reason: string | null): LogExplanation | undefined {
  if (!reason) return undefined;
  const [category, confidence] = /timed out/.test(reason)
    ? (["timeout", 1] as const)
    : /killed by SIGKILL|exit code 137\b/.test(reason)
      ? (["oom", 0.5] as const)
      : [undefined, 0];
  if (!category) return undefined;
  return {
    category,
    confidence,
    votes: { [category]: confidence },
    evidence: [{ line: 0, rule: `engine: ${reason}`, weight: confidence }],
    lines: [],
    totalLines: 0,
    truncatedLines: 0,
  };
}

/** Strings whose presence in a line ties it to a failed test: the test's name and message's first line. */
function testNeedles(tests: readonly FailedTest[]): { needle: string; test: string }[] {
  const out: { needle: string; test: string }[] = [];
  for (const t of tests.slice(0, 200)) {
    const message = t.message?.split("\n")[0]?.trim().slice(0, 200);
    if (message && message.length >= 8) out.push({ needle: message, test: t.name });
    if (t.name.trim().length >= 4) out.push({ needle: t.name.trim(), test: t.name });
  }
  return out;
}

/**
 * Measures a line's novelty against the successful logs — a template they never printed, else the
 * distance to the nearest line of the same template — or undefined without history; answers
 * undefined for a line that is not news.
 */
function noveltyCheck(successes: JobFacts["successes"]): ((text: string) => LineEvidence["novelty"]) | undefined {
  if (successes.length === 0) return undefined;
  const miner = new LogMiner();
  const index = new LineNoveltyIndex();
  const seen = new Set<string>();
  for (const s of successes)
    for (const raw of s.lines.slice(-MAX_SUCCESS_LINES)) {
      const text = cleanLine(raw).text.trim();
      if (!text) continue;
      const id = miner.mine(text).cluster.id;
      seen.add(id);
      index.add(id, text);
    }
  return (text) => {
    const id = miner.mine(text).cluster.id;
    if (!seen.has(id)) return { score: NOVELTY_BONUS, template: true };
    const { distance, nearest } = index.novelty(id, text);
    if (distance < MIN_LINE_DISTANCE) return undefined;
    return { score: distance, template: false, distance, ...(nearest === undefined ? {} : { nearest }) };
  };
}
