/**
 * Replays consecutive commits of a real project's history: at each commit the full suite runs
 * (per test file: failed or not, and its time) for the ground truth, pitcrew selects for the
 * change from its parent, and mutants of the change's source lines (committed on top, run, then
 * dropped) give failing changes to catch. Works on any git checkout; the suite command is one of
 * the `RUNNERS` (pytest here: JUnit with file attributes, one report per run).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseJUnit } from "../../src/reports/index.js";
import {
  ChangeTestSelector,
  isTestFileName,
  listRepoFiles,
  type SelectionRequest,
  type TestSelection,
  type TestSelector,
} from "../../src/testintel/index.js";
import { ReasonBreakdown } from "./selection-breakdown.js";

const ID = ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false"];
const gitIn = (cwd: string, ...args: string[]) =>
  execFileSync("git", [...ID, ...args], { cwd, encoding: "utf8", maxBuffer: 64 << 20 }).trim();

/** One full-suite run: per test file, whether any of its tests failed, and its time in ms. */
export type SuiteResult = Map<string, { failed: boolean; ms: number }>;

/** Runs a project's whole suite in `repo` and reads the outcome per test file. */
export type SuiteRunner = (repo: string) => SuiteResult | undefined;

/** The Python that runs pytest (`PYTHON`, default `python3`; it needs the project's test dependencies). */
const PYTHON = process.env.PYTHON ?? "python3";

/** pytest over `tests/` with `src/` on the path: JUnit (xunit1, with `file`) per run. */
export const pytestRunner: SuiteRunner = (repo) => {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-replay-junit-"));
  const xml = join(dir, "junit.xml");
  try {
    spawnSync(
      PYTHON,
      ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "junit_family=xunit1", `--junitxml=${xml}`, "tests"],
      {
        cwd: repo,
        env: { ...process.env, PYTHONPATH: join(repo, "src"), PYTHONDONTWRITEBYTECODE: "1" },
        stdio: "ignore",
        timeout: 300_000,
      },
    );
    let text: string;
    try {
      text = readFileSync(xml, "utf8");
    } catch {
      return undefined; // collection crashed before any report
    }
    const out: SuiteResult = new Map();
    for (const c of parseJUnit(text).cases) {
      const file = c.file ?? `${c.classname.split(".").slice(0, -1).join("/")}.py`;
      const r = out.get(file) ?? { failed: false, ms: 0 };
      r.failed ||= c.status === "failed" || c.status === "error";
      r.ms += c.durationMs;
      out.set(file, r);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** vitest (`node_modules/vitest` of the checkout) with its JSON reporter: per file, failed and time. */
export const vitestRunner: SuiteRunner = (repo) => {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-replay-vitest-"));
  const json = join(dir, "report.json");
  try {
    spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--reporter=json", `--outputFile=${json}`], {
      cwd: repo,
      stdio: "ignore",
      timeout: 600_000,
    });
    let report: { testResults?: { name: string; status: string; startTime: number; endTime: number }[] };
    try {
      report = JSON.parse(readFileSync(json, "utf8"));
    } catch {
      return undefined;
    }
    const out: SuiteResult = new Map();
    for (const t of report.testResults ?? []) {
      out.set(relative(repo, t.name), { failed: t.status !== "passed", ms: Math.max(0, t.endTime - t.startTime) });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** The test files a framework's own related-tests mode would run for base..head. */
export type Baseline = (repo: string, base: string, head: string, testFiles: string[]) => Set<string>;

/** `vitest list --changed BASE --filesOnly`: vitest's own related-tests mode (its module graph). */
export const vitestChangedBaseline: Baseline = (repo, base) => {
  const r = spawnSync(
    process.execPath,
    ["node_modules/vitest/vitest.mjs", "list", "--changed", base, "--filesOnly", "--json"],
    {
      cwd: repo,
      encoding: "utf8",
      timeout: 300_000,
      maxBuffer: 64 << 20,
    },
  );
  try {
    return new Set((JSON.parse(r.stdout) as { file: string }[]).map((f) => relative(repo, f.file)));
  } catch {
    return new Set();
  }
};

/** A change whose suite fails where its parent's passed: did the selection catch it? */
export interface FailingChange {
  commit: string;
  kind: "real" | "mutant";
  failing: string[];
  caught: boolean;
  /** Whether the baseline caught it. */
  baselineCaught: boolean;
  /** Whether the compared selector (`--compare`) caught it. */
  compareCaught?: boolean;
}

/** What a second selector, asked the same questions in the same replay, ran. */
export interface ComparedRuns {
  fullRuns: number;
  testFilesRun: number;
  msRun: number;
  breakdown: ReasonBreakdown;
}

/** What a replay measured. */
export interface ReplayResult {
  commits: number;
  judged: number;
  fullRuns: number;
  testFilesRun: number;
  testFilesTotal: number;
  msRun: number;
  msTotal: number;
  baselineFilesRun: number;
  baselineMsRun: number;
  failing: FailingChange[];
  /** Run test time by the selector's reason. */
  breakdown: ReasonBreakdown;
  /** The compared selector's figures, when one was given. */
  compared?: ComparedRuns;
}

/** Mutation operators, first match per line (the usual relational, logical, arithmetic and return mutants). */
const MUTATIONS: [RegExp, string][] = [
  [/ === /, " !== "],
  [/ !== /, " === "],
  [/ == /, " != "],
  [/ != /, " == "],
  [/ is not None\b/, " is None"],
  [/ is None\b/, " is not None"],
  [/ <= /, " > "],
  [/ >= /, " < "],
  [/ < /, " >= "],
  [/ > /, " <= "],
  [/ and /, " or "],
  [/ or /, " and "],
  [/ && /, " || "],
  [/ \|\| /, " && "],
  [/ \+= /, " -= "],
  [/\bTrue\b/, "False"],
  [/\bFalse\b/, "True"],
  [/\bnot /, ""],
  [/ \+ /, " - "],
  [/\breturn (?!None\b)(\S.*)$/, "return None"],
];

/**
 * Replays the `count` newest commits of `source` (first-parent) in a private clone. Up to
 * `mutantsPerCommit` mutants are made from the source lines each change added, one per line
 * (`isTestFileName` files excluded).
 */
export async function replay(
  source: string,
  count: number,
  run: SuiteRunner,
  opts: { mutantsPerCommit: number; baseline: Baseline; nodeModules?: string; compare?: TestSelector },
  log: (s: string) => void = () => {},
): Promise<ReplayResult> {
  const { mutantsPerCommit, baseline: related } = opts;
  const repo = mkdtempSync(join(tmpdir(), "pitcrew-replay-"));
  gitIn(repo, "clone", "--quiet", source, ".");
  if (opts.nodeModules) symlinkSync(opts.nodeModules, join(repo, "node_modules"));
  const commits = gitIn(repo, "rev-list", "--first-parent", `--max-count=${count + 1}`, "HEAD")
    .split("\n")
    .reverse();
  const result: ReplayResult = {
    commits: 0,
    judged: 0,
    fullRuns: 0,
    testFilesRun: 0,
    testFilesTotal: 0,
    msRun: 0,
    msTotal: 0,
    baselineFilesRun: 0,
    baselineMsRun: 0,
    failing: [],
    breakdown: new ReasonBreakdown(),
    ...(opts.compare ? { compared: { fullRuns: 0, testFilesRun: 0, msRun: 0, breakdown: new ReasonBreakdown() } } : {}),
  };
  const selector = new ChangeTestSelector();
  const ask = (commit: string, base: string, testFiles: string[]): SelectionRequest => ({
    project: "replay",
    repoDir: repo,
    commit,
    baseCommit: base,
    testFiles,
    mode: "select",
  });
  gitIn(repo, "checkout", "--quiet", "--detach", commits[0]!);
  let previous = run(repo);
  for (let i = 1; i < commits.length; i++) {
    const [base, head] = [commits[i - 1]!, commits[i]!];
    gitIn(repo, "checkout", "--quiet", "--force", "--detach", head);
    result.commits++;
    const truth = run(repo);
    if (truth === undefined || truth.size === 0) {
      log(`${head.slice(0, 8)}: the suite did not report (skipped)`);
      previous = truth;
      continue;
    }
    const testFiles = (await listRepoFiles(repo)).filter(isTestFileName);
    const selection = await selector.select(ask(head, base, testFiles));
    const other = await opts.compare?.select(ask(head, base, testFiles));
    const baseline = related(repo, base, head, testFiles);
    result.judged++;
    if (selection.fullRunReason) result.fullRuns++;
    tally(result, selection, baseline, truth);
    result.breakdown.add(head, selection, truth);
    if (other && result.compared) tallyCompared(result.compared, head, other, truth);
    const newly = [...truth].filter(([f, r]) => r.failed && !previous?.get(f)?.failed).map(([f]) => f);
    if (newly.length > 0) result.failing.push(judge(head, "real", newly, selection, baseline, other));
    let made = 0;
    for await (const m of mutantsOf(repo, base, head, mutantsPerCommit)) {
      made++;
      const mutated = run(repo);
      const failing = [...(mutated ?? new Map())].filter(([f, r]) => r.failed && !truth.get(f)?.failed).map(([f]) => f);
      if (failing.length > 0) {
        const s = await selector.select(ask(m, base, testFiles));
        const o = await opts.compare?.select(ask(m, base, testFiles));
        result.failing.push(judge(head, "mutant", failing, s, related(repo, base, m, testFiles), o));
      }
      gitIn(repo, "reset", "--quiet", "--hard", head);
    }
    log(
      `${head.slice(0, 8)}: ran ${selection.run.length}/${testFiles.length}${selection.fullRunReason ? " (full)" : ""}, ${made} mutants; failing changes so far ${result.failing.length}, caught ${result.failing.filter((f) => f.caught).length}`,
    );
    previous = truth;
  }
  rmSync(repo, { recursive: true, force: true });
  return result;
}

function tally(r: ReplayResult, s: TestSelection, baseline: Set<string>, truth: SuiteResult): void {
  const run = new Set(s.run);
  for (const [file, t] of truth) {
    r.testFilesTotal++;
    r.msTotal += t.ms;
    if (run.has(file)) {
      r.testFilesRun++;
      r.msRun += t.ms;
    }
    if (baseline.has(file)) {
      r.baselineFilesRun++;
      r.baselineMsRun += t.ms;
    }
  }
}

function tallyCompared(c: ComparedRuns, commit: string, s: TestSelection, truth: SuiteResult): void {
  if (s.fullRunReason) c.fullRuns++;
  const run = new Set(s.run);
  for (const [file, t] of truth) {
    if (!run.has(file)) continue;
    c.testFilesRun++;
    c.msRun += t.ms;
  }
  c.breakdown.add(commit, s, truth);
}

function judge(
  commit: string,
  kind: "real" | "mutant",
  failing: string[],
  s: TestSelection,
  baseline: Set<string>,
  compared?: TestSelection,
): FailingChange {
  const run = new Set(s.run);
  return {
    commit,
    kind,
    failing,
    caught: failing.some((f) => run.has(f)),
    baselineCaught: failing.some((f) => baseline.has(f)),
    ...(compared ? { compareCaught: failing.some((f) => compared.run.includes(f)) } : {}),
  };
}

/**
 * The naive baseline a project without a related-tests mode has: run the test files the change
 * touched, and `test_<name>.py` / `<name>.test.*` of each changed source file.
 */
export const changedTestBaseline: Baseline = (repo, base, head, testFiles) => {
  const changed = gitIn(repo, "diff", "--name-only", base, head).split("\n").filter(Boolean);
  const stems = new Set(
    changed.map((c) =>
      c
        .split("/")
        .pop()!
        .replace(/\.[^.]+$/, ""),
    ),
  );
  return new Set(
    testFiles.filter(
      (t) =>
        changed.includes(t) ||
        stems.has(
          t
            .split("/")
            .pop()!
            .replace(/^test_/, "")
            .replace(/(\.test|\.spec)?\.[^.]+$/, ""),
        ),
    ),
  );
};

/**
 * Commits up to `n` mutants of lines `head` added to source files, one per mutable added line,
 * one at a time (each left checked out for the caller, who resets it before the next).
 */
async function* mutantsOf(repo: string, base: string, head: string, n: number): AsyncGenerator<string> {
  const diff = gitIn(repo, "diff", "-U0", "--no-color", base, head, "--", "*.py", "*.js", "*.ts", "*.mjs");
  let file = "";
  let made = 0;
  for (const line of diff.split("\n")) {
    if (made >= n) return;
    if (line.startsWith("+++ b/")) file = line.slice(6);
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!hunk || !file || isTestFileName(file) || !file.startsWith("src/")) continue;
    const start = Number(hunk[1]);
    const len = hunk[2] === undefined ? 1 : Number(hunk[2]);
    const lines = readFileSync(join(repo, file), "utf8").split("\n");
    for (let k = start; k < start + len && made < n; k++) {
      const text = lines[k - 1];
      if (text === undefined || /^\s*(#|\/\/|"""|import |from )/.test(text)) continue;
      const op = MUTATIONS.find(([re]) => re.test(text));
      if (!op) continue;
      lines[k - 1] = text.replace(op[0], op[1]);
      writeFileSync(join(repo, file), lines.join("\n"));
      gitIn(repo, "commit", "--quiet", "-am", `mutant ${made + 1}`);
      made++;
      yield gitIn(repo, "rev-parse", "HEAD");
      lines[k - 1] = text; // the caller reset the checkout: the next mutant is of this line alone
    }
  }
}
