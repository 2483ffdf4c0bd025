/**
 * Ranks the frames of a trace as suspects for where the fix belongs. The trace alone gives the
 * base score: the app frames of the root cause (the last `Caused by:` with app code in it) in the
 * order `focusOrder` gives them — innermost first, reordered by the exception's kind, helpers and
 * the failing test's subject — then app frames of the wrapping exceptions; test code and
 * library frames trail. A repository adds evidence: lines in the last release's diff, lines and
 * files changed recently. Scores are in [0, 1]; `reasons` say what each score is made of.
 */
import { isTestFrame } from "../stacktrace/in-app.js";
import type { Frame, ParsedTrace } from "../stacktrace/types.js";
import type { BlameInfo } from "./blame.js";
import { exceptionKind } from "./exception-kind.js";
import { isHelperFrame } from "./helper-frames.js";
import type { FileChange, ReleaseDiff } from "./recent-changes.js";
import { isSubjectFrame, type TestSubject, testSubject } from "./test-subject.js";

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
  /** The test subject's file, not on the stack: kept only where a repository confirms it exists. */
  offStack?: boolean;
}

/** One entry of the focus exception's ranking: a frame (or the test subject's file) and why it is there. */
interface Ranked {
  frame: Frame;
  reason?: string;
  /** Not on the stack: the failing test's subject, placed by convention. */
  offStack?: boolean;
}

/**
 * Orders the primary frames of the focus exception, most suspect first. Innermost first; then by
 * what the exception says (`exception-kind.ts`): helpers go last unless the exception is a fault
 * raised where it happened; the counter of a limit goes with them; a constructor rejecting its
 * arguments yields to its caller; for anything but a fault, the failing test's subject leads
 * (`test-subject.ts`) — or, when it is not on the stack, follows the first suspect.
 */
function focusOrder(
  t: ParsedTrace,
  app: Frame[],
  subject: TestSubject | undefined,
): { ranked: Ranked[]; helpers: Set<Frame> } {
  const kind = exceptionKind(t);
  const helpers = new Set(kind === "fault" ? [] : app.filter((f) => isHelperFrame(f, t)));
  if (kind === "limit" && app[0] === t.frames[0] && !helpers.has(app[0]!)) {
    const counter = app[0]!.file;
    for (const f of app) {
      if (f.file !== counter) break;
      helpers.add(f);
    }
  }
  if (helpers.size === app.length) helpers.clear();
  const ranked: Ranked[] = [...app.filter((f) => !helpers.has(f)), ...app.filter((f) => helpers.has(f))].map(
    (frame) => ({ frame }),
  );
  const first = ranked[0]?.frame;
  if (kind !== "fault" && first && CONSTRUCTOR.test(first.function ?? "")) {
    const k = ranked.findIndex((r) => r.frame.file !== first.file && !helpers.has(r.frame));
    if (k > 0)
      ranked.unshift({
        ...ranked.splice(k, 1)[0]!,
        reason: `calls the constructor ${first.function} that rejected its arguments`,
      });
  }
  if (kind === "fault" || !subject) return { ranked, helpers };
  const because = `the failing test ${subject.test} exercises ${subject.name}`;
  const k = ranked.findIndex((r) => isSubjectFrame(r.frame, subject));
  if (k > 0) ranked.unshift({ ...ranked.splice(k, 1)[0]!, reason: because });
  else if (k < 0 && subject.file) {
    const frame: Frame = { file: subject.file, inApp: true, raw: "" };
    if (subject.module) frame.module = subject.module;
    ranked.splice(1, 0, { frame, reason: `${because} (not on the stack)`, offStack: true });
  }
  return { ranked, helpers };
}

const CONSTRUCTOR = /^(<init>|\.ctor|__init__|constructor|new \w+)$/;

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
  const subject = tier === "app" ? testSubject(chain) : undefined;
  const out: Candidate[] = [];
  for (const index of order) {
    const t = chain[index]!;
    const app = t.frames.filter(primary);
    const { ranked, helpers } =
      index === focus
        ? focusOrder(t, app, subject)
        : { ranked: app.map((frame): Ranked => ({ frame })), helpers: new Set<Frame>() };
    for (const [k, entry] of ranked.entries()) {
      const reasons: string[] = entry.reason ? [entry.reason] : [];
      let score: number;
      if (index === focus && helpers.has(entry.frame)) {
        score = 0.3;
        reasons.push("check, error or counting helper: the caller likely holds the bug");
      } else if (index === focus) {
        score = Math.max(0.3, 0.7 - 0.08 * k);
        if (entry.reason) {
          // the reason the entry was moved says it
        } else if (k > 0) reasons.push(`in-app caller, ${k} call${k === 1 ? "" : "s"} above the innermost`);
        else if (tier === "any") reasons.push("innermost frame (no in-app frame in the trace)");
        else if (index === chain.length - 1) reasons.push("innermost in-app frame of the root cause");
        else reasons.push(`innermost in-app frame of ${t.exception.type} (the root cause has none)`);
      } else {
        score = Math.max(0.2, 0.45 - 0.05 * k);
        reasons.push(`in-app frame of the wrapping ${t.exception.type}`);
      }
      if (tier === "test") reasons.push("test code (no other in-app frame)");
      else if (!entry.frame.inApp) reasons.push("library frame");
      if (entry.frame.line === undefined && !entry.offStack) score -= 0.1;
      out.push({ frame: entry.frame, suspect: candidate(entry.frame, score, reasons), offStack: entry.offStack });
    }
    for (const frame of t.frames) {
      if (primary(frame)) continue;
      const reasons = [frame.inApp ? "test code" : "library frame"];
      out.push({
        frame,
        suspect: candidate(frame, (frame.inApp ? 0.12 : 0.05) - (frame.line === undefined ? 0.1 : 0), reasons),
      });
    }
  }
  return out;
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
 * at most `limit` of them. Library frames are listed only when the trace has no
 * in-app frame.
 */
export function rankSuspects(trace: ParsedTrace, evidence: SuspectEvidence = {}, limit = 10): Suspect[] {
  const best = new Map<string, Suspect>();
  for (const { frame, suspect: s, offStack } of baseCandidates(trace)) {
    if (offStack && evidence.pathOf && !evidence.pathOf(frame)) continue; // the repository has no such file
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
