/**
 * Ranks the lines a scan kept. A line's score is the sum of its evidence, each part on a scale of
 * about one unit, so no feature needs a fitted weight:
 *   signal      — the error-signal weight (0.5–3+, `signals.ts`);
 *   rarity      — 1 / √(lines sharing its template): a message printed once is news, one printed
 *                 500 times is the build's routine;
 *   position    — its place in the log, 0 at the start to 0.5 at the end (failures end logs);
 *   failingStep — 1 in the step that ended with the first failing exit code, when the log has
 *                 steps, except for the exit-code line itself (it says that, not why, it failed);
 *   trace       — 1 on the exception line of a stack trace the stack parsers read in the tail;
 * Lines without a signal only rank by rarity, position and step (the tail fallback).
 * Equal texts are reported once, at their best-scored occurrence.
 */
import { findTraces } from "../diagnose/index.js";
import type { ExplainedLine, LineEvidence } from "./explanation.js";
import type { ScannedLine, ScanResult } from "./log-scanner.js";

/** Ranks a scan's lines, best first, at most `limit`. */
export function rankLines(scan: ScanResult, limit: number): ExplainedLine[] {
  const traces = traceLines(scan);
  const ranked: ExplainedLine[] = [];
  for (const l of scan.lines) {
    const evidence = lineEvidence(l, scan, traces.get(l.line));
    const score =
      evidence.signal + evidence.rarity + evidence.position + evidence.failingStep + (evidence.trace?.score ?? 0);
    ranked.push({ line: l.line, text: l.text.trim(), score: round(score), evidence });
  }
  ranked.sort((a, b) => b.score - a.score || b.line - a.line);
  const seen = new Set<string>();
  const out: ExplainedLine[] = [];
  for (const r of ranked) {
    if (out.length >= limit) break;
    if (seen.has(r.text)) continue;
    seen.add(r.text);
    out.push(r);
  }
  return out;
}

function lineEvidence(l: ScannedLine, scan: ScanResult, trace: LineEvidence["trace"]): LineEvidence {
  const templateCount = scan.templateCount(l.cluster);
  return {
    signals: l.signals.rules,
    signal: round(l.signals.weight),
    rarity: round(1 / Math.sqrt(templateCount)),
    templateCount,
    position: round(scan.totalLines > 0 ? (0.5 * l.line) / scan.totalLines : 0),
    failingStep: scan.steps > 1 && l.step === scan.failingStep && !l.signals.rules.includes("exit-code") ? 1 : 0,
    ...(trace ? { trace } : {}),
  };
}

/** The exception line of every stack trace the stack parsers find in the log's tail. */
function traceLines(scan: ScanResult): Map<number, NonNullable<LineEvidence["trace"]>> {
  const out = new Map<number, NonNullable<LineEvidence["trace"]>>();
  const { first, texts } = scan.tail;
  if (!texts.some((t) => t.trim() !== "")) return out;
  let found: ReturnType<typeof findTraces>;
  try {
    found = findTraces(texts.join("\n"));
  } catch {
    return out; // text the stack parsers refuse (e.g. mostly control bytes) simply has no trace
  }
  for (const { trace, line } of found) {
    const exception = `${trace.exception.type}${trace.exception.message ? `: ${trace.exception.message}` : ""}`;
    // The exception line is where its type is printed: the first line for Java/.NET/Node/Go,
    // the last for Python, so look from the trace's start for the first line naming it.
    let at = line;
    for (let i = line - 1; i < Math.min(texts.length, line + 200); i++) {
      const text = texts[i]!.trim();
      if (text.startsWith(`${trace.exception.type}:`) || text === trace.exception.type) {
        at = i + 1;
        break;
      }
    }
    out.set(first + at - 1, { score: 1, language: trace.language, exception: exception.slice(0, 300) });
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
