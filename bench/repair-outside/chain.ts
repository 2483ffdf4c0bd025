/**
 * Drives one prepared outside case through the product's repair chain as shipped: records the
 * failing tests' output on the buggy code, applies the selection rule (`failures.ts`), declares
 * the oracle in the checkout's `pitcrew.repair.yaml` (the case's test command: the project's own
 * test files of the fix; committed on top of the buggy code), runs `runRepairChain` with the
 * default fixers and the recorded trace, and judges a proven patch against the developer's fix.
 * The chain's scratch worktrees go under the case directory (TMPDIR), where the project's
 * installed dependencies are found.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { type Candidate, runRepairChain, validatePatch } from "../../src/repair/index.js";
import { parseUnifiedDiff } from "../../src/repair/unified-diff.js";
import type { Equivalence, OutsideCase, OutsideResult } from "./case.js";
import { mochaFailures, pytestFailures, selectFailure } from "./failures.js";
import { gitOut } from "./js.js";

/** A case ready to run: its checkout and how to record its failure and judge a patch. */
export interface PreparedCase {
  case: OutsideCase;
  /** The checkout the chain repairs (a git working tree at the buggy code, branch `main`). */
  repoDir: string;
  /** Runs the fix's failing tests on the buggy code, printing their errors with stack traces. */
  record: string[];
  /** The project's wider suite, to judge a proven patch away from the developer's fix. */
  wholeSuite?: string[];
  env?: Record<string, string>;
}

/** Limits of one case. */
export interface CaseLimits {
  /** Per test run of the chain. */
  testTimeoutMs: number;
  /** The whole chain. */
  caseTimeoutMs: number;
  pitcrew: string;
}

/** Lines of the patch's old side it changes, per file (1-based). */
function changedLines(diff: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const file of parseUnifiedDiff(diff)) {
    const path = file.oldPath ?? file.newPath ?? "";
    const lines = out.get(path) ?? [];
    for (const hunk of file.hunks) {
      let old = hunk.oldStart;
      for (const l of hunk.lines) {
        if (l.op === " ") old++;
        else if (l.op === "-") lines.push(old++);
        else lines.push(old);
      }
    }
    out.set(path, lines);
  }
  return out;
}

/** True when the two diffs change a common file within `near` lines of each other (hunks overlap). */
function sameRegion(patchDiff: string, developerDiff: string, near = 6): boolean {
  const dev = changedLines(developerDiff);
  for (const [path, lines] of changedLines(patchDiff)) {
    const theirs = dev.get(path) ?? [];
    if (lines.some((a) => theirs.some((b) => Math.abs(a - b) <= near))) return true;
  }
  return false;
}

/** Failing test count of a mocha / pytest run (`N failing`, `N failed`), or the exit when none printed. */
function failingCount(output: string, passed: boolean): number {
  const m = /(\d+) (failing|failed)/.exec(output);
  return m ? Number(m[1]) : passed ? 0 : Number.POSITIVE_INFINITY;
}

/** Judges a proven candidate against the developer's fix (see `Equivalence` in case.ts). */
async function judge(p: PreparedCase, c: Candidate, limits: CaseLimits): Promise<Equivalence> {
  const developer = gitOut(p.repoDir, ["diff", "-U0", p.case.buggy, p.case.fixed, "--", ...p.case.fixFiles]);
  if (sameRegion(c.patch.diff, developer)) return "same-region";
  if (!p.wholeSuite) return "behavioural";
  const run = (base: string, patch?: Candidate["patch"]) =>
    validatePatch({
      repoDir: p.repoDir,
      base,
      patch,
      command: p.wholeSuite!,
      env: p.env,
      timeoutMs: limits.testTimeoutMs * 3,
    });
  const withPatch = await run("main", c.patch);
  const atFix = await run(p.case.fixed);
  return failingCount(withPatch.output, withPatch.passed) <= failingCount(atFix.output, atFix.passed)
    ? "behavioural"
    : "different";
}

/** Commits the oracle as the checkout's `pitcrew.repair.yaml` (idempotent). */
function declareOracle(p: PreparedCase): void {
  const yaml = stringify({ test: p.case.test, service: { start: ["node", "--version"] } });
  writeFileSync(join(p.repoDir, "pitcrew.repair.yaml"), yaml);
  gitOut(p.repoDir, ["add", "pitcrew.repair.yaml"]);
  if (gitOut(p.repoDir, ["status", "--porcelain", "pitcrew.repair.yaml"]).trim())
    gitOut(p.repoDir, [
      "-c",
      "user.name=bench",
      "-c",
      "user.email=bench@pitcrew.test",
      "commit",
      "-q",
      "-m",
      "bench: declare the oracle (the fix's test files)",
    ]);
}

/** Runs the case (module comment); never throws for a case that cannot be run (notes say why). */
export async function runOutsideCase(p: PreparedCase, limits: CaseLimits): Promise<OutsideResult> {
  const c = p.case;
  const result: OutsideResult = {
    id: c.id,
    dataset: c.dataset,
    project: c.project,
    bug: c.bug,
    language: c.language,
    selection: { selected: false, reason: "not run" },
    proven: false,
    proposed: 0,
    notes: [],
    chainMs: 0,
    pitcrew: limits.pitcrew,
  };
  const rec = spawnSync(p.record[0]!, p.record.slice(1), {
    cwd: p.repoDir,
    encoding: "utf8",
    timeout: limits.testTimeoutMs,
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...p.env },
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the runner's colour codes
  const output = `${rec.stdout ?? ""}\n${rec.stderr ?? ""}`.replace(/\x1b\[[0-9;]*m/g, "");
  const failures = c.language === "python" ? pytestFailures(output, p.repoDir) : mochaFailures(output, p.repoDir);
  const { selection, failure } = selectFailure(failures);
  result.selection =
    !selection.selected && rec.error
      ? { selected: false, reason: `the tests did not run: ${rec.error.message}` }
      : selection;
  if (!failure) return result;
  if (result.selection.selected) {
    const [file, line] = result.selection.topFrame.split(":");
    const text = readFileSync(join(p.repoDir, file!), "utf8").split("\n")[Number(line) - 1] ?? "";
    result.selection.raisedBy = /^\s*(throw|raise)\b/.test(text) ? "code" : "runtime";
  }
  const tmp = join(dirname(p.repoDir), "tmp");
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(dirname(p.repoDir), "trace.txt"), failure.text);
  declareOracle(p);
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  const t0 = performance.now();
  try {
    const chain = await runRepairChain({
      repoDir: p.repoDir,
      base: "main",
      trace: failure.text,
      timeoutMs: limits.testTimeoutMs,
      signal: AbortSignal.timeout(limits.caseTimeoutMs),
    });
    result.proposed = chain.candidates.length;
    writeFileSync(
      join(dirname(p.repoDir), "candidates.diff"),
      chain.candidates
        .map(
          (c) =>
            `# ${c.patch.fixer}: ${c.proof?.reason ?? c.error ?? "not tried"}\n${c.patch.diff}\n${c.proof?.withPatch.output.slice(-1500) ?? ""}`,
        )
        .join("\n"),
    );
    for (const e of chain.fixerErrors) result.notes.push(`${e.fixer} failed: ${e.message}`);
    if (chain.candidates.length === 0)
      result.notes.push(
        `no patch proposed (top suspect ${chain.analysis?.suspects[0]?.file ?? "none"}:${chain.analysis?.suspects[0]?.line ?? ""})`,
      );
    for (const cand of chain.candidates)
      if (cand.patch !== chain.best?.patch)
        result.notes.push(
          `${cand.patch.fixer} at ${cand.patch.edits[0]?.path}: ${cand.proof?.reason ?? cand.error ?? "not tried"}`,
        );
    if (chain.best) {
      const b = chain.best;
      const at = [...changedLines(b.patch.diff)].map(([f, ls]) => `${f}:${ls[0] ?? "?"}`)[0];
      Object.assign(result, { proven: true, fixer: b.patch.fixer, patchAt: at });
      result.equivalence = await judge(p, b, limits);
      result.wrongButPassing = result.equivalence === "different";
      writeFileSync(join(dirname(p.repoDir), "proven.diff"), b.patch.diff);
    }
  } catch (err) {
    result.notes.push(`chain failed: ${(err as Error).message}`);
  } finally {
    result.chainMs = Math.round(performance.now() - t0);
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  return result;
}
