/**
 * Runs one corpus case the way a user would meet it: the case's repository is pushed to a local
 * forge, the suspects are ranked (`analyzeStack`, timed on its own for top-1/top-3), then the
 * repair chain runs with the default fixers on the forge repository (replay when the case has a
 * request, diagnosis when it has one), and a proven patch becomes a pull request. Time to PR runs
 * from the start of the chain (the trace in hand) to the PR being open.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, createApp } from "../../src/app/app.js";
import { configSchema } from "../../src/common/config/config-schema.js";
import { silentLogger } from "../../src/common/logger.js";
import { analyzeStack, type Suspect } from "../../src/diagnose/index.js";
import { type FixerKind, openFixPullRequest, runRepairChain } from "../../src/repair/index.js";
import { buildRepo, type CorpusCase, validationOf } from "./corpus.js";

/** What one case measured. */
export interface CaseResult {
  id: string;
  language: CorpusCase["language"];
  kind: CorpusCase["kind"];
  validation: ReturnType<typeof validationOf>;
  expectedFixer: FixerKind;
  /** The expected file:line is the first suspect / among the first three. */
  top1: boolean;
  top3: boolean;
  /** The expected file is the first suspect's file / among the first three's. */
  top1File: boolean;
  top3File: boolean;
  /** `file:line` of the first suspect. */
  topSuspect?: string;
  analyzeMs: number;
  /** The first patch proposed (for parse-only cases: what would be proposed), with its fixer. */
  proposed?: { fixer: string; kind: FixerKind; title: string; file?: string };
  /** The proven patch's fixer. */
  fixer?: string;
  fixerKind?: FixerKind;
  proven: boolean;
  /** The pull request opened for the proven patch. */
  pr?: { number: number; branch: string };
  /** From the start of the chain to the open PR (or to the chain's end when nothing was proven). */
  traceToPrMs: number;
  /** Why no PR: each candidate's reason, fixer errors, or the chain's error. */
  notes: string[];
}

/** A local forge on a temp data dir, for the pull requests of a run. */
export interface CorpusForge {
  app: App;
  dispose(): Promise<void>;
}

/** Starts the app (store + local forge) on a fresh temp data dir, as `pitcrew fix` would find it. */
export async function startCorpusForge(): Promise<CorpusForge> {
  const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-corpus-forge-"));
  const app = await createApp(
    { config: configSchema.parse({}), dataDir, databaseUrl: `sqlite:${join(dataDir, "pitcrew.db")}` },
    { log: silentLogger() },
  );
  return {
    app,
    async dispose() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

const place = (s: Suspect | undefined) => (s ? `${s.file}:${s.line ?? "?"}` : undefined);

/** Runs case `c` against `forge` (see the module comment). */
export async function runCase(
  c: CorpusCase,
  forge: CorpusForge,
  opts: { timeoutMs?: number } = {},
): Promise<CaseResult> {
  const repoDir = buildRepo(c);
  try {
    const { file, line } = c.expected.suspect;
    const t0 = performance.now();
    const analysis = await analyzeStack(c.trace, { repo: repoDir });
    const analyzeMs = performance.now() - t0;
    const top = analysis.suspects.slice(0, 3);
    const result: CaseResult = {
      id: c.id,
      language: c.language,
      kind: c.kind,
      validation: validationOf(c),
      expectedFixer: c.expected.fixer,
      top1: top[0]?.file === file && top[0]?.line === line,
      top3: top.some((s) => s.file === file && s.line === line),
      top1File: top[0]?.file === file,
      top3File: top.some((s) => s.file === file),
      topSuspect: place(top[0]),
      analyzeMs,
      proven: false,
      traceToPrMs: 0,
      notes: [],
    };
    const repo = c.id;
    const { cloneUrl } = await forge.app.forge.createRepository(repo, { fromPath: repoDir });
    const t1 = performance.now();
    try {
      const chain = await runRepairChain({
        repoDir: cloneUrl,
        trace: c.trace,
        replay: c.request,
        diagnosis: c.diagnosis,
        timeoutMs: opts.timeoutMs ?? 120_000,
      });
      const first = chain.candidates[0]?.patch;
      if (first)
        result.proposed = { fixer: first.fixer, kind: first.kind, title: first.title, file: first.edits[0]?.path };
      for (const e of chain.fixerErrors) result.notes.push(`${e.fixer} failed: ${e.message}`);
      if (chain.best) {
        const pr = await openFixPullRequest({
          forge: forge.app.forge,
          repo,
          baseBranch: "main",
          result: chain,
          candidate: chain.best,
        });
        Object.assign(result, {
          proven: true,
          fixer: chain.best.patch.fixer,
          fixerKind: chain.best.patch.kind,
          pr: { number: pr.number, branch: pr.headBranch },
        });
      } else {
        if (chain.candidates.length === 0) result.notes.push("no patch proposed");
        for (const cand of chain.candidates)
          result.notes.push(`${cand.patch.fixer}: ${cand.proof?.reason ?? cand.error ?? "not tried"}`);
      }
    } catch (err) {
      result.notes.push(`chain failed: ${(err as Error).message}`);
    }
    result.traceToPrMs = performance.now() - t1;
    return result;
  } finally {
    rmSync(repoDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}
