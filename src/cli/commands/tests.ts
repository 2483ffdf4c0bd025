import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { ValidationError } from "../../common/errors.js";
import type { ModelVersion } from "../../store/index.js";
import {
  flakyTests,
  type HistoryModel,
  historyFromRows,
  loadHistoryDir,
  parseCandidates,
  type ProjectFlakyTests,
  projectFlakyTests,
  prioritize,
  prioritizeLearned,
  type TestFailureState,
  testFailureModel,
} from "../../testintel/index.js";
import { formatDuration, table } from "../output.js";
import { exitOnBadInput, type Io, streams } from "./tests-io.js";
import { registerTestsSelect } from "./tests-select.js";

interface HistoryOptions {
  history?: string;
  project?: string;
  runs: string;
  json?: boolean;
}

interface PrioritizeOptions extends HistoryOptions {
  candidates?: string;
}

const PRIORITIZE_HELP = `
With --history DIR it learns only from DIR: one JUnit XML file per past run, file names sorting in
chronological order (numbers compared by value). FILE lists one test id per line, 'classname.name'
as in the JUnit <testcase> (blank lines ignored, repeated ids listed once). --json prints
{"order": [id, ...]} with every candidate exactly once. With --project NAME it learns from the
project's stored test history instead (the latest --runs runs; a retry on the same commit counts
as flaky evidence) and, without --candidates, orders every test of that history; when a version
of the learned test-failure model is live for the project (pitcrew models), it orders them and
each reason names its top features and version.

Order: predicted failure probability (ties: the cheaper test first). The probability comes from
the history: a test that failed its last run is as likely to fail again as failures were followed
by failures; otherwise its recency-weighted failure rate (half-life 20 runs) shrunk towards its
all-time rate; flaky tests are discounted; a test's prior grows with its share of run time.
A test absent from the history is a new test, not an error: it gets the rate at which tests new
during the history failed their first run (with no evidence, the suite's average), which ranks it
above tests that proved stable and below tests failing now.

Exit code 2, with a message naming the file: DIR missing or with no usable run (a malformed,
empty or test-less JUnit file when it is the only one); FILE missing or listing no id; a line with
control characters; an unknown id (one neither in the history nor of the form classname.name).
A malformed run among usable ones is reported on stderr and skipped.`;

/**
 * `pitcrew tests prioritize|flaky|history`: test intelligence, learning either offline from a
 * directory of past JUnit runs (`--history DIR`, the contract other tools call) or from the
 * project's stored test history (`--project NAME`, the configured store). Bad input exits with
 * code 2 and a message naming the file; runs skipped as malformed are reported on stderr.
 */
export function registerTestsCommand(program: Command): void {
  const tests = program
    .command("tests")
    .description("test intelligence: select the tests a change can break, prioritise them, find flaky ones");
  registerTestsSelect(tests, program);

  source(tests.command("prioritize"))
    .description("order tests by predicted failure probability, from past runs")
    .option(
      "--candidates <file>",
      "file with one test id (classname.name) per line (required with --history; default with --project: every test of the history)",
    )
    .option("--json", 'print {"order": [id, ...]}')
    .addHelpText("after", PRIORITIZE_HELP)
    .action(async function (this: Command, opts: PrioritizeOptions) {
      const io = streams(this);
      await exitOnBadInput(io, "tests prioritize", async () => {
        if (opts.history !== undefined && opts.candidates === undefined) {
          throw new ValidationError("--candidates FILE is required with --history");
        }
        const { model, live } = await learnWithLive(opts, io, program);
        let ids = [...model.tests()].map((t) => t.id);
        if (opts.candidates !== undefined) {
          const text = await readText(opts.candidates, "candidates file");
          const candidates = parseCandidates(text, opts.candidates, model);
          if (candidates.duplicateLines.length > 0) {
            io.err(
              `pitcrew tests prioritize: '${opts.candidates}': repeated ids listed once (lines ${candidates.duplicateLines.slice(0, 10).join(", ")}${candidates.duplicateLines.length > 10 ? ", …" : ""})\n`,
            );
          }
          ids = candidates.ids;
        }
        const ranked = live ? prioritizeLearned(live.state, live.version, model, ids) : prioritize(model, ids);
        if (opts.json) return io.out(`${JSON.stringify({ order: ranked.map((r) => r.id) })}\n`);
        const rows = ranked.map((r, i) => [
          String(i + 1),
          r.id,
          r.probability.toFixed(3),
          formatDuration(r.durationMs),
          r.reason,
        ]);
        io.out(`${table(["#", "test", "p(fail)", "duration", "why"], rows)}\n`);
      });
    });

  source(tests.command("flaky"))
    .description("list flaky tests with their evidence, from past runs")
    .option(
      "--json",
      "print {tests: [{id, score, flaky, runs, failures, mixedRuns, blips, evidence, outsideChange?, reason?}], model?: {name, version, through}}",
    )
    .addHelpText(
      "after",
      `
A test is flaky when it failed and passed in the same run (a retry on the same commit), or failed
in one-run blips between passing runs at least twice and more often than in lasting streaks.
Tests with weaker signs are listed with flaky: false. With --project, when a version of the learned
test-flakiness model is live for the project (pitcrew models), the list is that version's: the
runs it counted (up to 'through'), each test with the version and its explanation as the reason.
With --project, failures the runs recorded outside the change (the test's known dependencies held
none of the changed files: likely flaky, DeFlaker) are counted and listed as evidence; they make no
test flaky on their own.`,
    )
    .action(async function (this: Command, opts: HistoryOptions) {
      const io = streams(this);
      await exitOnBadInput(io, "tests flaky", async () => {
        const { tests: list, model } =
          opts.project !== undefined && opts.history === undefined
            ? await storedFlakyTests(program, opts.project, positiveInt(opts.runs, "--runs"))
            : { tests: flakyTests(await learn(opts, io, program)), model: undefined };
        if (opts.json) return io.out(`${JSON.stringify({ tests: list, model })}\n`);
        if (model) io.out(`${model.name} v${model.version} (runs up to ${model.through})\n`);
        const rows = list.map((t) => [
          t.id,
          t.flaky ? "yes" : "no",
          t.score.toFixed(2),
          `${t.failures}/${t.runs}`,
          String(t.outsideChange ?? 0),
          t.evidence.at(-1) ?? "",
        ]);
        io.out(
          rows.length
            ? `${table(["test", "flaky", "score", "failed", "outside change", "latest evidence"], rows)}\n`
            : "no flaky tests\n",
        );
      });
    });

  tests
    .command("history")
    .description("one test's outcomes in a project's stored history, newest first")
    .requiredOption("--project <name>", "project name or id (reads the configured store)")
    .requiredOption("--test <id>", "test id, classname.name")
    .option("-n, --limit <n>", "how many outcomes (at most 1000)", "50")
    .option(
      "--json",
      "print {test, history: [{runId, jobId, attempt, commitSha, branch, status, durationMs, createdAt}]}",
    )
    .action(async function (this: Command, opts: { project: string; test: string; limit: string; json?: boolean }) {
      const io = streams(this);
      await exitOnBadInput(io, "tests history", async () => {
        const limit = positiveInt(opts.limit, "--limit");
        const { openLocalApp } = await import("../open-store.js");
        const app = await openLocalApp(program.opts().config);
        try {
          const project = await app.store.projects.resolve(opts.project);
          const history = (await app.store.reports.testHistory(project.id, opts.test, limit)).map(
            ({ testId: _, ...h }) => h,
          );
          if (opts.json) return io.out(`${JSON.stringify({ test: opts.test, history })}\n`);
          const rows = history.map((h) => [
            String(h.runId),
            String(h.attempt),
            h.branch,
            h.commitSha.slice(0, 10),
            h.status,
            formatDuration(h.durationMs),
            new Date(h.createdAt).toISOString().replace("T", " ").slice(0, 19),
          ]);
          io.out(
            rows.length
              ? `${table(["RUN", "ATTEMPT", "BRANCH", "COMMIT", "STATUS", "TIME", "AT"], rows)}\n`
              : `no history for ${opts.test}\n`,
          );
        } finally {
          await app.close();
        }
      });
    });
}

/** The two sources of history every learning subcommand takes. */
function source(cmd: Command): Command {
  return cmd
    .option("--history <dir>", "learn offline from a directory of JUnit XML files, one per past run")
    .option("--project <name>", "learn from this project's stored test history (the configured store)")
    .option("--runs <n>", "with --project: how many of the latest runs to learn from (at most 2000)", "300");
}

/** The history model, and with `--project` the live version of the learned test-failure model (if any). */
async function learnWithLive(
  opts: HistoryOptions,
  io: Io,
  program: Command,
): Promise<{ model: HistoryModel; live?: { state: TestFailureState; version: number } }> {
  if (opts.project === undefined) return { model: await learn(opts, io, program) };
  const model = await learn(opts, io, program);
  const live = await liveVersion(program, opts.project, testFailureModel.name);
  return { model, live: live && { state: live.state as TestFailureState, version: live.version } };
}

/** A project's flaky tests from the configured store (the live test-flakiness version's, else its latest `runs` runs). */
async function storedFlakyTests(program: Command, projectName: string, runs: number): Promise<ProjectFlakyTests> {
  const { openLocalApp } = await import("../open-store.js");
  const app = await openLocalApp(program.opts().config);
  try {
    const project = await app.store.projects.resolve(projectName);
    return await projectFlakyTests(app.store, project.id, { runs });
  } finally {
    await app.close();
  }
}

/** The live version of a learned model for a project of the configured store, if any. */
async function liveVersion(program: Command, projectName: string, model: string): Promise<ModelVersion | undefined> {
  const { openLocalApp } = await import("../open-store.js");
  const app = await openLocalApp(program.opts().config);
  try {
    const project = await app.store.projects.resolve(projectName);
    return await app.store.modelVersions.live(model, `project:${project.id}`);
  } finally {
    await app.close();
  }
}

/** Builds the history model from `--history DIR` or `--project NAME` (exactly one). */
async function learn(opts: HistoryOptions, io: Io, program: Command): Promise<HistoryModel> {
  if ((opts.history === undefined) === (opts.project === undefined)) {
    throw new ValidationError("give either --history DIR or --project NAME");
  }
  if (opts.history !== undefined) {
    const history = await loadHistoryDir(opts.history);
    for (const s of history.skipped) io.err(`pitcrew tests: skipped run: ${s.message}\n`);
    return history.model;
  }
  const runs = positiveInt(opts.runs, "--runs");
  // Loaded here, not at the top: the offline contract (--history) must not load the app and store.
  const { openLocalApp } = await import("../open-store.js");
  const app = await openLocalApp(program.opts().config);
  try {
    const project = await app.store.projects.resolve(opts.project!);
    return historyFromRows(await app.store.reports.projectHistory(project.id, { runs }));
  } finally {
    await app.close();
  }
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(`${flag} must be a positive integer, got '${value}'`);
  return n;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ValidationError(`${what} '${file}' ${code === "ENOENT" ? "does not exist" : `cannot be read (${code})`}`);
  }
}
