/**
 * The repair chain: failure → patch proven by a reproduction test.
 *
 *   1. pin the base commit; open a scratch worktree of it (the user's tree is never read or written);
 *   2. parse the trace and rank suspects against that worktree (`diagnose/analyzeStack`);
 *   3. ask every fixer for patches (a failing fixer is recorded, the others go on);
 *   4. for each patch, best first: find its service (nearest `package.json` / `main.py` above the
 *      edited file), write the reproduction test when the failing request is known, and prove the
 *      patch (`prove-patch.ts`: the test fails on the base, the suite passes with the patch);
 *   5. the first proven patch is the answer; the others are kept with why they were not.
 */
import { existsSync } from "node:fs";
import { join, posix } from "node:path";
import { ValidationError } from "../common/errors.js";
import { analyzeStack, type ParsedTrace, type StackAnalysis } from "../diagnose/index.js";
import type { Diagnosis } from "../diagnose/index.js";
import type { Fixer, Patch } from "./fixer.js";
import { ConfigFixer } from "./fixers/config/config-fixer.js";
import { patternFixers } from "./fixers/patterns/index.js";
import { RevertFixer } from "./fixers/revert/revert-fixer.js";
import { LlmFixer } from "./fixers/llm/llm-fixer.js";
import type { RepairLlmConfig } from "../common/config/config-schema.js";
import { type FailureSignature, type ProveResult, provePatch } from "./prove-patch.js";
import { git } from "../runner/index.js";
import { generateReproduction, type Reproduction, type ReproductionInput } from "./reproduce/reproduction.js";
import { readServiceProject, type ServiceProject } from "./reproduce/service-project.js";
import { newFileDiff } from "./unified-diff.js";
import { withScratchWorktree } from "./validate.js";

/** What the chain starts from: a trace and/or a diagnosis, and the failing request when known. */
export interface RepairChainInput {
  /** The git repository (working tree or bare); only its commits are read. */
  repoDir: string;
  /** Commit to fix (default HEAD). */
  base?: string;
  /** Stack trace or log text holding one. */
  trace?: string | Uint8Array;
  diagnosis?: Diagnosis;
  /** The failing request with the session before it and the upstream answers (for the reproduction). */
  replay?: ReproductionInput;
  /** App prefixes for the trace (see `pitcrew stack --app`). */
  app?: readonly string[];
  /** Default: `defaultFixers()` (pattern, config, then revert fixers). */
  fixers?: readonly Fixer[];
  /** How many patches to try to prove, best first (default 4). */
  maxCandidates?: number;
  /** Per test run (default 300 000 ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Progress lines for humans. */
  onProgress?: (line: string) => void;
}

/** A patch the chain tried, with its proof or why it could not be proven. */
export interface Candidate {
  patch: Patch;
  serviceDir: string;
  reproduction?: Reproduction;
  proof?: ProveResult;
  error?: string;
}

/** What the chain found. */
export interface RepairResult {
  /** The full SHA of the base commit. */
  base: string;
  analysis?: StackAnalysis;
  candidates: Candidate[];
  /** The first proven candidate. */
  best?: Candidate & { proof: ProveResult };
  fixerErrors: { fixer: string; message: string }[];
}

/**
 * The fixers the chain asks, in order: the pattern fixers, the config fixer, the revert fixer,
 * then the LLM fixer when `opts.llm` (the `repair.llm` config section) is given.
 */
export function defaultFixers(opts: { llm?: RepairLlmConfig } = {}): Fixer[] {
  const llm = opts.llm ? [LlmFixer.fromConfig(opts.llm)] : [];
  return [...patternFixers(), new ConfigFixer(), new RevertFixer(), ...llm];
}

/** The nearest directory above `path` (repository-relative) holding a Node.js or Python service. */
function serviceDirOf(worktree: string, path: string): string {
  for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
    const here = dir === "." ? "" : dir;
    if (existsSync(join(worktree, here, "package.json")) || existsSync(join(worktree, here, "main.py"))) return here;
    if (here === "") return "";
  }
}

/** Runs the chain (see the module comment). */
export async function runRepairChain(input: RepairChainInput): Promise<RepairResult> {
  if (input.trace === undefined && !input.diagnosis)
    throw new ValidationError("the repair chain needs a stack trace or a diagnosis to start from");
  const say = input.onProgress ?? (() => undefined);
  const ref = input.base ?? "HEAD";
  const base = await git(["rev-parse", "--verify", "--end-of-options", `${ref}^{commit}`], {
    cwd: input.repoDir,
    timeoutMs: 120_000,
  }).then(
    (sha) => sha.trim(),
    (err: Error) => {
      throw new ValidationError(`${input.repoDir}: not a git repository with a commit ${ref}`, undefined, {
        cause: err,
      });
    },
  );
  const fixers = input.fixers ?? defaultFixers();
  const fixerErrors: RepairResult["fixerErrors"] = [];
  const { analysis, proposals } = await withScratchWorktree(input.repoDir, base, async (worktree) => {
    const analysis =
      input.trace === undefined ? undefined : await analyzeStack(input.trace, { repo: worktree, app: input.app });
    if (analysis)
      say(
        `trace: ${analysis.trace.exception.type} — ${analysis.suspects.length} suspects, top ${analysis.suspects[0]?.file ?? "none"}:${analysis.suspects[0]?.line ?? ""}`,
      );
    const ctx = {
      repoDir: worktree,
      trace: analysis?.trace,
      suspects: analysis?.suspects ?? [],
      diagnosis: input.diagnosis,
      request: input.replay?.request,
    };
    const proposals: { patch: Patch; serviceDir: string; project?: ServiceProject; error?: string }[] = [];
    for (const fixer of fixers) {
      try {
        for (const patch of await fixer.propose(ctx)) {
          const serviceDir = serviceDirOf(worktree, patch.edits[0]?.path ?? "");
          try {
            proposals.push({ patch, serviceDir, project: readServiceProject(join(worktree, serviceDir)) });
          } catch (err) {
            proposals.push({ patch, serviceDir, error: (err as Error).message });
          }
        }
      } catch (err) {
        fixerErrors.push({ fixer: fixer.name, message: (err as Error).message });
      }
    }
    return { analysis, proposals };
  });
  say(`fixers: ${proposals.length} patch${proposals.length === 1 ? "" : "es"} proposed`);

  const candidates: Candidate[] = [];
  for (const p of proposals.slice(0, input.maxCandidates ?? 4)) {
    const candidate: Candidate = { patch: p.patch, serviceDir: p.serviceDir };
    candidates.push(candidate);
    if (!p.project) {
      candidate.error = p.error;
      continue;
    }
    try {
      if (input.replay) candidate.reproduction = generateReproduction(p.project, input.replay);
      say(`proving: ${p.patch.title}`);
      candidate.proof = await provePatch({
        repoDir: input.repoDir,
        base,
        patch: p.patch,
        serviceDir: p.serviceDir,
        project: p.project,
        reproduction: candidate.reproduction,
        signature: analysis ? signatureOf(analysis.trace) : undefined,
        timeoutMs: input.timeoutMs,
        signal: input.signal,
      });
      say(`  ${candidate.proof.proven ? "proven" : "rejected"}: ${candidate.proof.reason}`);
      if (candidate.proof.proven)
        return { base, analysis, candidates, best: { ...candidate, proof: candidate.proof }, fixerErrors };
    } catch (err) {
      candidate.error = (err as Error).message;
    }
  }
  return { base, analysis, candidates, fixerErrors };
}

/** The repository-relative files a candidate adds or changes: its edits and its reproduction test. */
export function candidateFiles(c: Candidate): { path: string; text: string }[] {
  const files = c.patch.edits.map((e) => ({ path: e.path, text: e.after }));
  if (c.reproduction) files.push({ path: posix.join(c.serviceDir, c.reproduction.path), text: c.reproduction.text });
  return files;
}

/** The whole change of a candidate as one unified diff: the patch, then its new reproduction test. */
export function candidateDiff(c: Candidate): string {
  if (!c.reproduction) return c.patch.diff;
  return c.patch.diff + newFileDiff(posix.join(c.serviceDir, c.reproduction.path), c.reproduction.text);
}

/** The exception type and top in-app frame file a reproduction must show (prove-patch.ts). */
function signatureOf(trace: ParsedTrace): FailureSignature {
  const top = trace.frames.find((f) => f.inApp) ?? trace.frames[0];
  return { type: trace.exception.type, ...(top?.file ? { file: posix.basename(top.file.replace(/\\/g, "/")) } : {}) };
}
