/**
 * Runs one Java case end to end:
 *
 *   1. rebuild the bug (java-checkout.ts) with the oracle = its trigger tests + Defects4J's
 *      relevant test classes;
 *   2. run the oracle on the fixed commit: a build failure excludes the bug (does not compile with
 *      JDK 17 + Debian's jars), so does a trigger test failing there; other tests failing with
 *      the developer's fix are left out of the oracle (committed on top of the buggy commit);
 *   3. run the trigger tests on the buggy commit: the first trigger test must fail with the
 *      exception type Defects4J recorded; its printed trace is what the product is given;
 *   4. the product's repair chain as shipped (`runRepairChain`, default fixers, the project's
 *      `--app` prefixes) proves each patch by running the oracle with it (declared test command);
 *   5. a proven patch is compared with the developer's fix (java-region.ts).
 *
 * Steps 1–3 are cached in `<dir>/prep.json`, so a later run (after a fixer change) repeats only
 * the chain. Every command runs with a timeout; the whole chain has a budget.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRepairChain } from "../../src/repair/index.js";
import { runCommand } from "../../src/repair/run-command.js";
import { git } from "../../src/runner/index.js";
import type { OutsideResult, Selection } from "./case.js";
import { javaCaseId, type JavaBug, selectJavaBug } from "./java-bugs.js";
import { HARNESS_DIR, type JavaCheckout, rebuildBug, writeOracle } from "./java-checkout.js";
import { changedLines, firstChange, sameRegion } from "./java-region.js";

/** Where and how long. */
export interface JavaCaseOptions {
  /** Mirror (bare repository) of the bug's project. */
  mirror: string;
  /** The case's own cache directory (outside this repository). */
  dir: string;
  runnerDir: string;
  /** Per test-suite run (default 600 000 ms). */
  testTimeoutMs?: number;
  /** The whole repair chain (default 1 800 000 ms). */
  chainBudgetMs?: number;
  /** pitcrew's commit, recorded in the result. */
  pitcrew: string;
  onProgress?: (line: string) => void;
}

/** What steps 1–3 found (cached). */
interface Prep {
  selection: Selection;
  checkout?: JavaCheckout;
  /** The head the chain starts from (buggy + the oracle without the tests failing with the fix). */
  head?: string;
  trace?: string;
  leftOut?: string[];
}

const OUTPUT_BYTES = 1 << 20;

/** Runs the harness' test script at `commit` in a scratch worktree of the case repository. */
async function runAt(checkout: JavaCheckout, commit: string, specFile: string, timeoutMs: number) {
  const tree = mkdtempSync(join(tmpdir(), "pitcrew-java-case-"));
  await git(["worktree", "add", "--detach", "--force", tree, commit], { cwd: checkout.repo, timeoutMs: 120_000 });
  try {
    return await runCommand(["sh", `${HARNESS_DIR}/run-tests.sh`, specFile], {
      cwd: tree,
      timeoutMs,
      tailBytes: OUTPUT_BYTES,
    });
  } finally {
    await git(["worktree", "remove", "--force", tree], { cwd: checkout.repo, timeoutMs: 120_000 }).catch(() => "");
    rmSync(tree, { recursive: true, force: true });
  }
}

/** The `--- Class::method` blocks of the runner's output. */
function failureBlocks(output: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (name) out.set(name, lines.join("\n"));
  };
  for (const line of output.split("\n")) {
    const head = /^--- (\S+)$/.exec(line);
    if (head || /^tests \d+, failures \d+$/.test(line)) {
      flush();
      name = head?.[1];
      lines = [];
    } else if (name) lines.push(line);
  }
  flush();
  return out;
}

/** The exception type of a trace's first line, without its package. */
const exceptionOf = (trace: string) => /^([\w.$]+)/.exec(trace.trimStart())?.[1]?.split(".").pop() ?? "";

/** Steps 1–3 (module comment). */
async function prepare(bug: JavaBug, opts: JavaCaseOptions): Promise<Prep> {
  const selection = selectJavaBug(bug);
  if (!selection.selected) return { selection };
  const timeout = opts.testTimeoutMs ?? 600_000;
  const oracle = [...new Set([...bug.triggerTests, ...bug.relevantTests])];
  const checkout = await rebuildBug(bug, opts.mirror, opts.dir, opts.runnerDir, oracle);
  opts.onProgress?.("  oracle on the developer's fix");
  const fixedRun = await runAt(checkout, checkout.fixed, `${HARNESS_DIR}/oracle.txt`, timeout);
  const excluded = (reason: string): Prep => ({ selection: { selected: false, reason }, checkout });
  if (fixedRun.exitCode === 3 || fixedRun.timedOut || !/^tests \d+, failures \d+$/m.test(fixedRun.output))
    return excluded(
      fixedRun.timedOut
        ? "the oracle timed out on the developer's fix"
        : `does not compile with JDK 17 + Debian's jars: ${firstError(fixedRun.output)}`,
    );
  const failingWithFix = [...failureBlocks(fixedRun.output).keys()];
  const trigger = failingWithFix.find((t) => bug.triggerTests.includes(t));
  if (trigger) return excluded(`trigger test ${trigger} fails with the developer's fix here`);
  const head = await writeOracle(checkout, [...oracle, ...failingWithFix.map((t) => `-${t}`)]);
  opts.onProgress?.("  trigger tests on the buggy code");
  const buggyRun = await runAt(checkout, head, `${HARNESS_DIR}/triggers.txt`, timeout);
  if (buggyRun.exitCode === 3) return excluded(`the buggy code does not compile: ${firstError(buggyRun.output)}`);
  const first = bug.triggerTests[0]!;
  const trace = failureBlocks(buggyRun.output).get(first);
  if (!trace) return excluded(`trigger test ${first} passes on the buggy code here`);
  const recorded = exceptionOf(bug.recordedTrace.split("\n").slice(1).join("\n"));
  if (exceptionOf(trace) !== recorded)
    return excluded(`trigger test fails with ${exceptionOf(trace)} here, ${recorded} in Defects4J`);
  return { selection, checkout, head, trace, leftOut: failingWithFix };
}

/** The first line of a build's output that reads like an error. */
function firstError(output: string): string {
  const line = output.split("\n").find((l) => /error:|do not compile/.test(l)) ?? "no output";
  return line.trim().slice(0, 200);
}

/** Runs the case (module comment); `rerun` repeats the chain on a cached preparation. */
export async function runJavaCase(bug: JavaBug, opts: JavaCaseOptions): Promise<OutsideResult> {
  const prepFile = join(opts.dir, "prep.json");
  const prep: Prep = existsSync(prepFile)
    ? (JSON.parse(readFileSync(prepFile, "utf8")) as Prep)
    : await prepare(bug, opts);
  writeFileSync(prepFile, JSON.stringify(prep, null, 2));
  const result: OutsideResult = {
    id: javaCaseId(bug),
    dataset: "Defects4J",
    project: bug.project,
    bug: String(bug.bug),
    language: "java",
    selection: prep.selection,
    proven: false,
    proposed: 0,
    notes: prep.leftOut?.length ? [`oracle leaves out ${prep.leftOut.length} tests failing with the fix here`] : [],
    chainMs: 0,
    pitcrew: opts.pitcrew,
  };
  if (!prep.selection.selected || !prep.checkout || !prep.head || !prep.trace) return result;
  rmSync(join(opts.dir, "proven.diff"), { force: true });
  const t0 = performance.now();
  try {
    const chain = await runRepairChain({
      repoDir: prep.checkout.repo,
      base: prep.head,
      trace: prep.trace,
      app: bug.app,
      timeoutMs: opts.testTimeoutMs ?? 600_000,
      signal: AbortSignal.timeout(opts.chainBudgetMs ?? 1_800_000),
      onProgress: (l) => opts.onProgress?.(`  ${l}`),
    });
    result.proposed = chain.candidates.length;
    for (const e of chain.fixerErrors) result.notes.push(`${e.fixer} failed: ${e.message}`);
    if (chain.candidates.length === 0) result.notes.push("no patch proposed");
    for (const c of chain.candidates)
      result.notes.push(`${c.patch.fixer} ${c.patch.title}: ${c.proof?.reason ?? c.error ?? "not tried"}`);
    if (chain.best) {
      const lines = changedLines(chain.best.patch.diff, "old");
      Object.assign(result, {
        proven: true,
        fixer: chain.best.patch.fixer,
        patchAt: firstChange(lines),
        equivalence: sameRegion(lines, changedLines(bug.srcPatch, "new")) ? "same-region" : "behavioural",
      });
      writeFileSync(join(opts.dir, "proven.diff"), chain.best.patch.diff);
    }
  } catch (err) {
    result.notes.push(`chain failed: ${(err as Error).message}`);
  }
  result.chainMs = performance.now() - t0;
  return result;
}
