/**
 * Ranks the frames of a trace as suspects for where the fix belongs. The trace alone gives the
 * base score: the innermost in-app frame of the root cause first (the last `Caused by:` with app
 * code in it), then its callers, then app frames of the wrapping exceptions; test code and
 * library frames trail. A repository adds evidence: lines in the last release's diff, lines and
 * files changed recently. Scores are in [0, 1]; `reasons` say what each score is made of.
 */
import { isTestFrame } from "../stacktrace/in-app.js";
import type { Frame, ParsedTrace } from "../stacktrace/types.js";
import type { BlameInfo } from "./blame.js";
import type { FileChange, ReleaseDiff } from "./recent-changes.js";

/** A place in the code that may hold the bug. */
export interface Suspect {
  /** Repository-relative when the frame was mapped to the repository, else as in the trace. */
  file: string;
  line?: number;
  function?: string;
  module?: string;
  score: number;
  reasons: string[];
  inApp: boolean;
  /** The commit that last changed the line (with a repository). */
  commit?: BlameInfo;
}

/** Evidence from a repository; every field optional (no repository: trace alone). */
export interface SuspectEvidence {
  /** Repository-relative path of a frame's file, undefined when it is not in the repository. */
  pathOf?: (frame: Frame) => string | undefined;
  recent?: Map<string, FileChange>;
  release?: ReleaseDiff;
  /** Blame of suspect lines, keyed `path:line`. */
  blame?: Map<string, BlameInfo>;
  /** Recency window in days (default 30) and the time "now" (epoch ms). */
  sinceDays?: number;
  now?: number;
}

/** Methods that only check a condition or build/raise an error: the bug is in whoever called them. */
const HELPER_FUNCTION =
  /^_?(check|validate|require|assert|ensure|verify|throw|raise|report|fail)([A-Z_]|$)|^(isTrue|notNull|notEmpty|notBlank|handleViolation|wrapWithPath)$|^_?[a-z]\w*(Error|Exception)$/;
/** Classes that hold such helpers: argument checkers and exception factories. */
const HELPER_CLASS =
  /(^|[.$])(Validate|Validator|Preconditions|Assert|Objects|Guard|Ensure|Check|\w*Reporter|\w*Exception|\w*Error)$/;
const DAY_MS = 86_400_000;

/** The chain of a trace from the outermost exception to the root cause. */
export function causeChain(trace: ParsedTrace): ParsedTrace[] {
  return [trace, ...(trace.causes ?? [])];
}

const appCode = (f: Frame) => f.inApp && !isTestFrame(f);

/** A candidate suspect and the frame it came from. */
interface Candidate {
  frame: Frame;
  suspect: Suspect;
}

/**
 * Scores from the trace alone, one candidate per frame. "Primary" frames are app code that is
 * not test code; when a trace has none, in-app test code takes their place, then any frame.
 */
function baseCandidates(trace: ParsedTrace): Candidate[] {
  const chain = causeChain(trace);
  const all = chain.flatMap((t) => t.frames);
  const tier = all.some(appCode) ? "app" : all.some((f) => f.inApp) ? "test" : "any";
  const primary = tier === "app" ? appCode : tier === "test" ? (f: Frame) => f.inApp : () => true;
  let focus = chain.length - 1;
  while (focus > 0 && !chain[focus]!.frames.some(primary)) focus--;
  const order = [focus, ...[...chain.keys()].reverse().filter((i) => i !== focus)];
  const out: Candidate[] = [];
  for (const index of order) {
    const t = chain[index]!;
    // helpers go last among the focus trace's app frames, when something else is there
    const app = t.frames.filter(primary);
    const helpers = index === focus ? app.filter((f) => isHelper(f, t)) : [];
    const ranked = helpers.length < app.length ? [...app.filter((f) => !helpers.includes(f)), ...helpers] : app;
    for (const frame of t.frames) {
      const k = ranked.indexOf(frame);
      const reasons: string[] = [];
      let score: number;
      if (k >= 0 && index === focus && helpers.includes(frame) && ranked.length > helpers.length) {
        score = 0.3;
        reasons.push("check or error helper: the caller likely holds the bug");
      } else if (k >= 0 && index === focus) {
        score = Math.max(0.3, 0.7 - 0.08 * k);
        if (k > 0) reasons.push(`in-app caller, ${k} call${k === 1 ? "" : "s"} above the innermost`);
        else if (tier === "any") reasons.push("innermost frame (no in-app frame in the trace)");
        else if (index === chain.length - 1) reasons.push("innermost in-app frame of the root cause");
        else reasons.push(`innermost in-app frame of ${t.exception.type} (the root cause has none)`);
      } else if (k >= 0) {
        score = Math.max(0.2, 0.45 - 0.05 * k);
        reasons.push(`in-app frame of the wrapping ${t.exception.type}`);
      } else {
        score = frame.inApp ? 0.12 : 0.05;
      }
      if (frame.inApp && isTestFrame(frame))
        reasons.push(tier === "test" ? "test code (no other in-app frame)" : "test code");
      else if (!frame.inApp) reasons.push("library frame");
      if (frame.line === undefined) score -= 0.1;
      out.push({ frame, suspect: candidate(frame, score, reasons) });
    }
  }
  return out;
}

/** A frame that only checks arguments or builds and throws the exception (`Validate.isTrue`, `JsonMappingException.from`). */
function isHelper(frame: Frame, t: ParsedTrace): boolean {
  return (
    HELPER_FUNCTION.test(frame.function ?? "") ||
    HELPER_CLASS.test(frame.module ?? "") ||
    frame.module === t.exception.type
  );
}

function candidate(frame: Frame, score: number, reasons: string[]): Suspect {
  const s: Suspect = { file: frame.file, score, reasons, inApp: frame.inApp };
  if (frame.line !== undefined) s.line = frame.line;
  if (frame.function) s.function = frame.function;
  if (frame.module) s.module = frame.module;
  return s;
}

const ago = (ms: number) => {
  const days = Math.floor(ms / DAY_MS);
  return days <= 0 ? "today" : days === 1 ? "1 day ago" : `${days} days ago`;
};

/** Adds repository evidence to one candidate. */
function addEvidence(s: Suspect, frame: Frame, ev: SuspectEvidence): void {
  const path = ev.pathOf?.(frame);
  if (!path) return;
  s.file = path;
  const now = ev.now ?? Date.now();
  const window = (ev.sinceDays ?? 30) * DAY_MS;
  const ranges = ev.release?.get(path);
  if (ranges && s.line !== undefined && ranges.some(([a, b]) => s.line! >= a - 3 && s.line! <= b + 3)) {
    s.score += 0.25;
    s.reasons.push("in the last release's diff");
  } else if (ranges) {
    s.score += 0.08;
    s.reasons.push("file changed in the last release");
  }
  const blame = s.line !== undefined ? ev.blame?.get(`${path}:${s.line}`) : undefined;
  const age = blame ? now - Date.parse(blame.date) : Number.POSITIVE_INFINITY;
  if (blame) s.commit = blame;
  if (blame && age <= window) {
    s.score += 0.2 * (1 - age / window) + 0.05;
    s.reasons.push(`changed ${ago(age)} in ${blame.sha.slice(0, 7)}`);
  } else {
    const change = ev.recent?.get(path);
    if (change) {
      s.score += 0.05;
      s.reasons.push(`file changed ${ago(now - change.date)} in ${change.sha.slice(0, 7)}`);
    }
  }
}

/**
 * Ranks a trace's frames best first, one suspect per file:line (the best-scored occurrence),
 * at most `limit` of them. Library frames are listed only when the trace has no in-app frame.
 */
export function rankSuspects(trace: ParsedTrace, evidence: SuspectEvidence = {}, limit = 10): Suspect[] {
  const best = new Map<string, Suspect>();
  for (const { frame, suspect: s } of baseCandidates(trace)) {
    addEvidence(s, frame, evidence);
    s.score = Math.round(Math.min(1, Math.max(0, s.score)) * 1000) / 1000;
    const key = `${s.file}:${s.line ?? "?"}`;
    const seen = best.get(key);
    if (!seen || s.score > seen.score) best.set(key, s);
  }
  const all = [...best.values()];
  const useful = all.some((s) => s.inApp) ? all.filter((s) => s.inApp) : all; // library frames only when nothing else
  return useful.sort((a, b) => b.score - a.score).slice(0, limit);
}
