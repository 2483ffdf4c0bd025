/**
 * Stack trace → code → commit in one call: finds the first trace in the input, maps its frames
 * into the repository (when one is given; source maps applied for Node.js), gathers evidence
 * (recent changes, the last release's diff, blame of the best suspects) and ranks suspects.
 * Without a repository the ranking uses the trace alone.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { ValidationError } from "../common/errors.js";
import { blameLine, firstReleaseContaining, type BlameInfo } from "./locate/blame.js";
import { type ReleaseRange, recentFileChanges, releaseDiff } from "./locate/recent-changes.js";
import { RepoMap } from "./locate/repo-map.js";
import { git } from "../runner/index.js";
import { type SuspectFile, suspectFiles } from "./locate/suspect-files.js";
import { causeChain, rankSuspects, type Suspect } from "./locate/suspects.js";
import { findTraces } from "./stacktrace/detect.js";
import { applySourceMaps } from "./stacktrace/source-map.js";
import { TraceInputError } from "./stacktrace/trace-input-error.js";
import type { Frame, ParsedTrace } from "./stacktrace/types.js";

/** Options of `analyzeStack`. */
export interface AnalyzeOptions {
  /** Repository working tree to map frames into, blame and diff. */
  repo?: string;
  /** App package/module prefixes or path roots; default: per-language library rules. */
  app?: readonly string[];
  /** Recency window in days (default 30). */
  sinceDays?: number;
  /** The range the last release shipped, e.g. `{ from: "v1.2.0", to: "v1.3.0" }`. */
  lastReleaseRange?: ReleaseRange;
  /** How many top suspects to blame (default 5) and to return (default 10). */
  blameTop?: number;
  limit?: number;
  /** "Now" for recency, epoch ms (default: the clock). */
  now?: number;
}

/** The analysis of one trace. Frames carry repository-relative paths where they could be mapped. */
export interface StackAnalysis {
  trace: ParsedTrace;
  /** 1-based input line where the trace starts, and how many other traces the input holds. */
  line: number;
  otherTraces: number;
  suspects: Suspect[];
  /** The files the suspects name, each once, best first: the answer to "which file?". */
  files: SuspectFile[];
  /** Frames that point outside the repository (in-app ones only), as printed. */
  unmapped: string[];
  warnings: string[];
}

/** Returns `trace` with every frame (causes and suppressed included) passed through `fn`. */
function mapFrames(trace: ParsedTrace, fn: (frames: Frame[]) => Frame[]): ParsedTrace {
  const out: ParsedTrace = { ...trace, frames: fn(trace.frames) };
  if (trace.causes) out.causes = trace.causes.map((c) => mapFrames(c, fn));
  if (trace.suppressed) out.suppressed = trace.suppressed.map((c) => mapFrames(c, fn));
  return out;
}

/** Checks that `repo` is a git working tree and returns its absolute top-level path. */
async function repoRoot(repo: string): Promise<string> {
  const dir = resolve(repo);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ValidationError(`--repo ${repo}: no such directory`);
  const top = await git(["rev-parse", "--show-toplevel"], { cwd: dir, timeoutMs: 60_000 }).catch(() => undefined);
  if (!top) throw new ValidationError(`--repo ${repo}: not a git repository`);
  return top.trim();
}

/** Analyses the first trace in `input`; throws TraceInputError when the input holds none. */
export async function analyzeStack(input: string | Uint8Array, options: AnalyzeOptions = {}): Promise<StackAnalysis> {
  const found = findTraces(input, { app: options.app });
  const first = found[0];
  if (!first)
    throw new TraceInputError(
      "no_trace",
      "no stack trace found: looked for Python, Java, Go, Node.js and .NET traces in plain text and JSON log records",
    );
  let trace = first.trace;
  const warnings = [...(trace.warnings ?? [])];
  const base = { line: first.line, otherTraces: found.length - 1, warnings };
  if (!options.repo) {
    const suspects = rankSuspects(trace, {}, options.limit);
    return { ...base, trace, suspects, files: suspectFiles(suspects), unmapped: [] };
  }

  const root = await repoRoot(options.repo);
  const repoMap = await RepoMap.load(root);
  const byName = trace.language === "java" || trace.language === "dotnet";
  const resolveFile = (f: Frame) =>
    f.inApp ? repoMap.resolve(f.file, byName) : repoMap.has(f.file) ? f.file : undefined;
  if (trace.language === "node") trace = mapFrames(trace, (frames) => applySourceMaps(frames, root));
  const unmapped = [
    ...new Set(causeChain(trace).flatMap((t) => t.frames.filter((f) => f.inApp && !resolveFile(f)).map((f) => f.file))),
  ];
  if (unmapped.length)
    warnings.push(
      `${unmapped.length} in-app file${unmapped.length === 1 ? "" : "s"} not found in the repository: ${unmapped.slice(0, 3).join(", ")}${unmapped.length > 3 ? ", …" : ""}`,
    );

  const paths = new Map<Frame, string | undefined>();
  const pathOf = (f: Frame) => (paths.has(f) ? paths.get(f) : paths.set(f, resolveFile(f)).get(f));
  const sinceDays = options.sinceDays ?? 30;
  const evidence = {
    pathOf,
    sinceDays,
    now: options.now,
    recent: await recentFileChanges(root, { sinceDays, now: options.now }),
    release: options.lastReleaseRange ? await releaseDiff(root, options.lastReleaseRange) : undefined,
    blame: new Map<string, BlameInfo>(),
  };
  const firstPass = rankSuspects(trace, evidence, Number.POSITIVE_INFINITY);
  for (const s of firstPass
    .filter((x) => x.inApp && x.line !== undefined && repoMap.has(x.file))
    .slice(0, options.blameTop ?? 5)) {
    const info = await blameLine(root, s.file, s.line!);
    if (!info) continue;
    const release = await firstReleaseContaining(root, info.sha);
    evidence.blame.set(`${s.file}:${s.line}`, release ? { ...info, release } : info);
  }
  const mapped = mapFrames(trace, (frames) => frames.map((f) => ({ ...f, file: pathOf(f) ?? f.file })));
  const suspects = rankSuspects(trace, evidence, options.limit);
  return { ...base, trace: mapped, suspects, files: suspectFiles(suspects), unmapped };
}
